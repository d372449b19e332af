using System.Management.Automation;
using System.Text.RegularExpressions;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Get-OpenCodeGoQuota through the real engine against a loopback server. With -CookiePath nothing depends
/// on the environment, so those run in-process; the API key comes from the environment, so those runs get
/// their own process with a temporary home.
/// </summary>
public sealed class GetOpenCodeGoQuotaTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    private static string CookieFile(TempHome home, string? json = null, UnixFileMode mode = Private) =>
        home.Write("go-cookie.json", json ?? $$"""{"workspaceId":"wrk_page","authCookie":"{{AuthCookie}}"}""", mode);

    [Fact]
    public void A_cookie_and_a_server_rendered_page_give_one_typed_row_per_window()
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri $args[1] -DataPath $args[2] -Verbose -Debug", CookieFile(home), server.BaseUri, Data);
        Assert.Empty(engine.Errors);
        Assert.Contains(engine.Debug, d => d.Message.StartsWith("GET http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains(engine.Verbose, v => v.Message.Contains("Go cookie from " + home.Root, StringComparison.Ordinal));
        Assert.Empty(LeakedIn(StreamScan.Of(engine, rows)));
        Assert.Equal(["Rolling", "Weekly", "Monthly"], rows.Select(r => r.Properties["Window"].Value.ToString()));
        Assert.All(rows, r => Assert.Equal("OpenCodeUsage.GoQuota", r.TypeNames[0]));
        Assert.All(rows, r => Assert.Equal("Cookie", r.Properties["Source"].Value.ToString()));
        Assert.Equal([12m, 30.5m, 100m], rows.Select(r => (decimal)r.Properties["PercentUsed"].Value));
        Assert.Equal("RateLimited", rows[2].Properties["Status"].Value.ToString());
        Assert.IsType<DateTimeOffset>(rows[0].Properties["ResetsAt"].Value);
        // The data set has no opencode-go messages: the local spend is known, and zero.
        Assert.All(rows, r => Assert.Equal(0m, r.Properties["LocalCost"].Value));
        Assert.Equal(TimeSpan.Zero, rows[2].Properties["TimeToLimit"].Value);
        Assert.True((bool)engine.Run("(Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri $args[1] -DataPath $args[2])[0] -is [OpenCodeUsage.GoQuota]",
            CookieFile(home), server.BaseUri, Data)[0].BaseObject);
        Assert.Equal("auth=" + AuthCookie, server.Requests[0].Header("Cookie"));
    }

    [Theory]
    [InlineData(200, "shell", "GoQuotaUnavailable", ErrorCategory.ResourceUnavailable, "no longer carries usage data")]
    [InlineData(401, "no", "GoAuthFailed", ErrorCategory.AuthenticationError, "Set-OpenCodeGoCookie")]
    [InlineData(500, "oops", "GoQuotaUnavailable", ErrorCategory.ResourceUnavailable, "answered 500")]
    public void What_the_console_answers_becomes_a_terminating_error(int status, string body, string errorId, ErrorCategory category, string says)
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(status, body == "shell" ? GoResponses.Shell : body));
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri $args[1] -DataPath $args[2] -Verbose -Debug",
            CookieFile(home), server.BaseUri, Data);
        Assert.Equal(errorId + ",OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Contains(says, error.Exception.Message);
        Assert.Empty(LeakedIn(StreamScan.Render(error) + StreamScan.Of(engine, [])));
    }

    [Fact]
    public void Cookie_files_in_a_bad_state_are_refused_before_anything_is_sent()
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        using var engine = new Engine();
        ErrorRecord Run(string path) => engine.RunExpectingTermination("Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri $args[1] -DataPath $args[2]", path, server.BaseUri, Data);

        if (!OperatingSystem.IsWindows())
        {
            var insecure = CookieFile(home, mode: Private | UnixFileMode.GroupRead);
            var error = Run(insecure);
            Assert.StartsWith("GoConfigInsecure,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, error.CategoryInfo.Category);
            Assert.Equal(insecure, error.TargetObject);
            Assert.Contains($"chmod 600 {insecure}", error.Exception.Message);
        }

        Assert.StartsWith("GoConfigIncomplete,", Run(CookieFile(home, """{"workspaceId":"wrk_1"}""")).FullyQualifiedErrorId);
        var invalid = Run(CookieFile(home, "{ workspaceId: " + AuthCookie));
        Assert.StartsWith("GoConfigInvalid,", invalid.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidData, invalid.CategoryInfo.Category);
        Assert.Empty(LeakedIn(StreamScan.Render(invalid)));
        Assert.StartsWith("GoCookieNeeded,", Run(Path.Combine(home.Root, "missing.json")).FullyQualifiedErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void A_plain_http_BaseUri_that_is_not_loopback_is_refused()
    {
        using var home = new TempHome();
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri http://opencode.ai", CookieFile(home));
        Assert.StartsWith("GoBaseUriInvalid,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void The_table_reads_well_at_100_columns()
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        using var engine = new Engine(width: 100);
        engine.Run("Get-OpenCodeGoQuota -CookiePath $args[0] -BaseUri $args[1] -DataPath $args[2] | Out-Default", CookieFile(home), server.BaseUri, Data);
        Assert.Empty(engine.Errors);
        var plain = Regex.Replace(engine.Host.Text, "\u001b\\[[0-9;]*m", string.Empty);
        var lines = plain.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        Assert.Matches(@"^Window\s+Used\s+Status\s+ResetsAt\s+LocalCost\s+\$/1%\s+FullIn\s+Source$", lines[0].Trim());
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"too wide: '{l}'"));
        Assert.Matches(@"^Weekly\s+30\.5%\s+Ok\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0\.0000\s+\d+d \d+h\s+Cookie$", lines.Single(l => l.StartsWith("Weekly", StringComparison.Ordinal)).Trim());
        Assert.Matches(@"^Monthly\s+100%\s+RateLimited\s+.+\s+0\.0000\s+0h 00m\s+Cookie$", lines.Single(l => l.StartsWith("Monthly", StringComparison.Ordinal)).Trim());
    }

    [Fact]
    public void With_an_API_key_the_official_endpoint_is_used_and_its_answers_become_stable_errors()
    {
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        using var ok = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        using var unauthorized = LoopbackServer.Sequence(LoopbackResponse.Json(401, GoResponses.Unauthorized));
        using var notEntitled = LoopbackServer.Sequence(LoopbackResponse.Json(403, GoResponses.NotEntitled));
        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            Get-OpenCodeGoQuota -BaseUri '{{ok.BaseUri}}' -DataPath {{HostProbe.Quote(Data)}} | ForEach-Object { 'row|{0}|{1}|{2}|{3}|{4}' -f $_.Window, $_.PercentUsed, $_.Status, $_.Source, $_.WorkspaceId }
            foreach ($uri in '{{unauthorized.BaseUri}}', '{{notEntitled.BaseUri}}') {
                try { Get-OpenCodeGoQuota -BaseUri $uri -DataPath {{HostProbe.Quote(Data)}} } catch { 'caught|{0}|{1}|{2}' -f $_.FullyQualifiedErrorId, $_.CategoryInfo.Category, $_.TargetObject }
            }
            """, home.Variables);
        Assert.Equal(["row|Rolling|42|Ok|Api|wrk_api", "row|Weekly|12|Ok|Api|wrk_api", "row|Monthly|100|RateLimited|Api|wrk_api"],
            run.Output.Where(l => l.StartsWith("row|", StringComparison.Ordinal)));
        Assert.Contains("caught|GoAuthFailed,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand|AuthenticationError|OPENCODE_API_KEY", run.Output);
        Assert.Contains("caught|GoNotSubscribed,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand|PermissionDenied|OPENCODE_API_KEY", run.Output);
        Assert.Equal("Bearer " + OpenCodeApiKey, Assert.Single(ok.Requests).Header("Authorization"));
        Assert.Empty(LeakedIn(run.Text));
    }

    [Fact]
    public void Neither_a_key_nor_a_cookie_is_GoCookieNeeded()
    {
        using var home = new TempHome();
        var run = HostProbe.RunAll($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            Get-OpenCodeGoQuota -DataPath {HostProbe.Quote(Data)}
            """, home.Variables);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("GoCookieNeeded,OpenCodeUsage.Commands.GetOpenCodeGoQuotaCommand|No OpenCode API key was found", error);
    }
}
