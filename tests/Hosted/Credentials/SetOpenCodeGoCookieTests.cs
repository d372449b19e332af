using System.Management.Automation;
using System.Net;
using System.Text.Json;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Set-OpenCodeGoCookie through the real engine: binding, prompting, ShouldProcess, the file it writes and its errors.</summary>
public sealed class SetOpenCodeGoCookieTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static System.Security.SecureString Secure(string text) => new NetworkCredential(string.Empty, text).SecurePassword;

    private static (string WorkspaceId, string Cookie) ReadBack(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return (json.RootElement.GetProperty("workspaceId").GetString()!, json.RootElement.GetProperty("authCookie").GetString()!);
    }

    [Fact]
    public void A_piped_SecureString_is_saved_owner_only_with_the_id_from_the_dashboard_URL()
    {
        using var home = new TempHome();
        using var engine = new Engine();
        var path = Path.Combine(home.Root, "new", "go.json");
        var output = engine.Run("$args[1] | Set-OpenCodeGoCookie -WorkspaceId https://opencode.ai/workspace/wrk_01PIPE/go -Path $args[0] -PassThru", path, Secure(AuthCookie));
        Assert.Empty(engine.Errors);
        Assert.Equal(("wrk_01PIPE", AuthCookie), ReadBack(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Private, File.GetUnixFileMode(path));
        }

        var credential = Assert.Single(output);
        Assert.Equal("OpenCodeUsage.Credential", credential.TypeNames[0]);
        Assert.Equal("Cookie", credential.Properties["Type"].Value.ToString());
        Assert.Equal("wrk_01PIPE", credential.Properties["AccountId"].Value);
        Assert.Equal(path + "#authCookie", credential.Properties["Source"].Value);
        Assert.Empty(LeakedIn(StreamScan.Of(engine, output)));
    }

    [Fact]
    public void Without_Cookie_it_prompts_with_hidden_input()
    {
        using var home = new TempHome();
        using var engine = new Engine();
        engine.Host.SecureInput.Enqueue(Secure("auth=" + AuthCookie));
        var path = Path.Combine(home.Root, "go.json");
        var output = engine.Run("Set-OpenCodeGoCookie wrk_01PROMPT -Path $args[0] -Verbose -Debug", path);
        Assert.Empty(engine.Errors);
        Assert.Empty(output);
        Assert.Empty(engine.Host.SecureInput);
        Assert.Contains("'auth' cookie of opencode.ai (input is hidden)", engine.Host.Text);
        Assert.Equal(("wrk_01PROMPT", AuthCookie), ReadBack(path));
        Assert.Empty(LeakedIn(StreamScan.Of(engine, output)));
    }

    [Fact]
    public void WhatIf_neither_prompts_nor_writes()
    {
        using var home = new TempHome();
        using var engine = new Engine();
        var path = Path.Combine(home.Root, "go.json");
        engine.Run("Set-OpenCodeGoCookie wrk_01WHATIF -Path $args[0] -WhatIf", path);
        Assert.Empty(engine.Errors);
        Assert.False(File.Exists(path));
        Assert.Contains("What if", engine.Host.Text);
        Assert.Contains(path, engine.Host.Text);
    }

    [Fact]
    public void Replaces_an_existing_file_whole()
    {
        using var home = new TempHome();
        using var engine = new Engine();
        var path = home.Write("go.json", """{"workspaceId":"wrk_old","authCookie":"old","extra":1}""", Private | UnixFileMode.OtherRead);
        engine.Run("Set-OpenCodeGoCookie -WorkspaceId wrk_new -Cookie $args[1] -Path $args[0]", path, Secure(AuthCookie));
        Assert.Empty(engine.Errors);
        Assert.Equal(("wrk_new", AuthCookie), ReadBack(path));
        Assert.DoesNotContain("extra", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(Private, File.GetUnixFileMode(path));
        }
    }

    [Theory]
    [InlineData("Set-OpenCodeGoCookie -WorkspaceId 'not an id!' -Cookie $args[1] -Path $args[0]", "GoWorkspaceIdInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("Set-OpenCodeGoCookie -WorkspaceId https://opencode.ai/go -Cookie $args[1] -Path $args[0]", "GoWorkspaceIdInvalid", ErrorCategory.InvalidArgument)]
    [InlineData("Set-OpenCodeGoCookie -WorkspaceId wrk_1 -Path $args[0]", "GoCookieNeeded", ErrorCategory.InvalidOperation)]
    [InlineData("Set-OpenCodeGoCookie -WorkspaceId wrk_1 -Cookie $args[2] -Path $args[0]", "GoCookieEmpty", ErrorCategory.InvalidArgument)]
    [InlineData("Set-OpenCodeGoCookie -WorkspaceId wrk_1 -Cookie $args[1] -Path $args[3]", "GoConfigWriteFailed", ErrorCategory.WriteError)]
    public void Bad_input_stops_with_a_stable_id_and_writes_nothing(string script, string errorId, ErrorCategory category)
    {
        using var home = new TempHome();
        using var engine = new Engine(); // no secure input queued: the prompt cannot be answered
        var path = Path.Combine(home.Root, "go.json");
        var folder = Directory.CreateDirectory(Path.Combine(home.Root, "a-folder")).FullName;
        var error = engine.RunExpectingTermination(script, path, Secure(AuthCookie), Secure("   "), folder);
        Assert.StartsWith(errorId + ",OpenCodeUsage.Commands.SetOpenCodeGoCookieCommand", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.False(File.Exists(path));
        Assert.Empty(LeakedIn(StreamScan.Render(error)));
    }

    [Fact]
    public void The_default_file_is_under_the_users_config_folder_and_Get_OpenCodeGoQuota_finds_it()
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        home.Variables["OCU_TEST_COOKIE"] = AuthCookie;
        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            ConvertTo-SecureString $env:OCU_TEST_COOKIE -AsPlainText -Force | Set-OpenCodeGoCookie -WorkspaceId wrk_01DEFAULT
            Get-OpenCodeGoQuota -BaseUri '{{server.BaseUri}}' -DataPath {{HostProbe.Quote(RepoPaths.DataDir("oc-1.18.33"))}} | ForEach-Object { 'row|{0}|{1}' -f $_.Window, $_.Source }
            """, home.Variables);
        Assert.Empty(run.Errors);
        Assert.Equal(("wrk_01DEFAULT", AuthCookie), ReadBack(home.GoCookieFile));
        Assert.Equal(["row|Rolling|Cookie", "row|Weekly|Cookie", "row|Monthly|Cookie"], run.Output);
        Assert.Equal("/workspace/wrk_01DEFAULT/go", Assert.Single(server.Requests).Path);
        Assert.Empty(LeakedIn(run.Text));
    }
}
