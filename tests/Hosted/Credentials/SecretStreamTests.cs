using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// No test secret ever reaches any stream in plain text: output (every property, as a table, a list, JSON and
/// CSV), errors with their exceptions, warnings, verbose, debug and information, on success and on every kind
/// of failure. Only the Value that -AsPlainText asks for may carry one.
/// </summary>
public sealed class SecretStreamTests
{
    [Fact]
    public void No_stream_carries_a_secret_through_successes_and_failures()
    {
        using var home = CredentialSetup.Create();
        home.Variables["OCU_TEST_COOKIE"] = AuthCookie;
        // A config whose parse error sits on a secret, and a cookie file others may read.
        var badConfig = home.Write("bad-config.json", "{\"provider\":{\"x\":{\"options\":{\"apiKey\": " + FileReferenceKey + " }}}}");
        var insecureCookie = home.Write("insecure-go.json", $$"""{"workspaceId":"wrk_1","authCookie":"{{AuthCookie}}"}""",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var shellCookie = home.Write("shell-go.json", $$"""{"workspaceId":"wrk_1","authCookie":"{{AuthCookie}}"}""");
        var folder = Directory.CreateDirectory(Path.Combine(home.Root, "a-folder")).FullName;
        using var ok = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        using var unauthorized = LoopbackServer.Sequence(LoopbackResponse.Json(401, GoResponses.Unauthorized));
        using var notEntitled = LoopbackServer.Sequence(LoopbackResponse.Json(403, GoResponses.NotEntitled));
        using var failing = LoopbackServer.Sequence(LoopbackResponse.Json(503, "{}"));
        using var shell = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Shell));
        using var elsewhere = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        using var redirecting = LoopbackServer.Sequence(LoopbackResponse.Redirect(elsewhere.BaseUri + "zen/go/v1/usage"));
        var data = HostProbe.Quote(RepoPaths.DataDir("oc-1.18.33"));

        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            Set-Location -LiteralPath {{HostProbe.Quote(home.ProjectSubfolder)}}
            $InformationPreference = 'Continue'
            function Show($items) { $items; $items | Format-List * | Out-String; $items | Format-Table * | Out-String -Width 300; $items | ConvertTo-Json -Depth 4; $items | ConvertTo-Csv }
            function Attempt([scriptblock] $run) { try { & $run } catch { $_ | Format-List * -Force | Out-String; $_.Exception.ToString() } }

            Show (Get-OpenCodeCredential -Verbose -Debug)
            $env:OPENCODE_CONFIG = {{HostProbe.Quote(badConfig)}}
            Show (Get-OpenCodeCredential -Provider * -Verbose -Debug)
            Remove-Item Env:OPENCODE_CONFIG

            Show (Get-OpenCodeGoQuota -BaseUri '{{ok.BaseUri}}' -DataPath {{data}} -Verbose -Debug)
            foreach ($uri in '{{unauthorized.BaseUri}}', '{{notEntitled.BaseUri}}', '{{failing.BaseUri}}', '{{redirecting.BaseUri}}') {
                Attempt { Get-OpenCodeGoQuota -BaseUri $uri -DataPath {{data}} -Verbose -Debug }
            }
            Attempt { Get-OpenCodeGoQuota -CookiePath {{HostProbe.Quote(shellCookie)}} -BaseUri '{{shell.BaseUri}}' -DataPath {{data}} -Verbose -Debug }
            Attempt { Get-OpenCodeGoQuota -CookiePath {{HostProbe.Quote(insecureCookie)}} -BaseUri '{{shell.BaseUri}}' -Verbose -Debug }

            $cookie = ConvertTo-SecureString $env:OCU_TEST_COOKIE -AsPlainText -Force
            Show ($cookie | Set-OpenCodeGoCookie -WorkspaceId wrk_01STREAMS -Path {{HostProbe.Quote(Path.Combine(home.Root, "saved.json"))}} -PassThru -Verbose -Debug)
            Attempt { $cookie | Set-OpenCodeGoCookie -WorkspaceId 'bad id!' -Verbose -Debug }
            Attempt { $cookie | Set-OpenCodeGoCookie -WorkspaceId wrk_1 -Path {{HostProbe.Quote(folder)}} -Verbose -Debug }
            """, home.Variables);

        // The run did reach what it was meant to: every source, every failure.
        Assert.Contains(run.Lines("VERBOSE: "), l => l.Contains("auth.json", StringComparison.Ordinal));
        Assert.Contains(run.Lines("DEBUG: "), l => l.StartsWith("GET ", StringComparison.Ordinal));
        foreach (var id in new[] { "ConfigFileInvalid", "GoAuthFailed", "GoNotSubscribed", "GoQuotaUnavailable", "GoConfigInsecure", "GoWorkspaceIdInvalid", "GoConfigWriteFailed" })
        {
            Assert.Contains(id, run.Text);
        }

        Assert.Contains("System.Security.SecureString", run.Text);
        Assert.Empty(elsewhere.Requests);
        Assert.Empty(LeakedIn(run.Text));
    }

    [Fact]
    public void With_AsPlainText_secrets_appear_in_Value_and_nowhere_else()
    {
        using var home = CredentialSetup.Create();
        var run = HostProbe.RunAll($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            Set-Location -LiteralPath {HostProbe.Quote(home.ProjectSubfolder)}
            Get-OpenCodeCredential -AsPlainText -Verbose -Debug
            """, home.Variables);
        var values = run.Lines("PROP: Value=").ToList();
        Assert.Equal(CredentialSetup.Expected(home).Select(e => e.Secret), values);
        var rest = string.Join("\n", run.Text.Split('\n').Where(l => !l.StartsWith("PROP: Value=", StringComparison.Ordinal)));
        Assert.Empty(LeakedIn(rest));
    }
}
