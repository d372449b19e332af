using OpenCodeUsage.Go;
using Xunit;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Go;

/// <summary>Where the Go cookie is found, and the states a cookie configuration can be in.</summary>
public sealed class GoCookieConfigTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static GoCookie Load(TempHome home, string? path = null) => GoCookieConfig.Load(home.Environment, path, ActivityLog.None);

    private static OpenCodeUsageException Fails(TempHome home, string? path = null) =>
        Assert.Throws<OpenCodeUsageException>(() => Load(home, path));

    [Fact]
    public void The_environment_wins_over_files_value_by_value()
    {
        using var home = new TempHome();
        home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_file","authCookie":"{{AuthCookie}}"}""");
        Assert.Equal(new GoCookie("wrk_file", AuthCookie, home.GoCookieFile + "#authCookie"), Load(home));

        home.Variables["OPENCODE_GO_WORKSPACE_ID"] = "https://opencode.ai/workspace/wrk_env/go";
        Assert.Equal(new GoCookie("wrk_env", AuthCookie, home.GoCookieFile + "#authCookie"), Load(home));

        home.Variables["OPENCODE_GO_AUTH_COOKIE"] = AuthGoKey;
        Assert.Equal(new GoCookie("wrk_env", AuthGoKey, "OPENCODE_GO_AUTH_COOKIE"), Load(home));

        // Both from the environment: the file is not even read, so its state does not matter.
        File.WriteAllText(home.GoCookieFile, "not json");
        Assert.Equal("wrk_env", Load(home).WorkspaceId);
    }

    [Theory]
    [InlineData(".claude/.tokenmaxxer-opencode-go.json")]
    [InlineData(".config/opencode/opencode-quota/opencode-go.json")]
    [InlineData(".opencode/opencode-quota/opencode-go.json")]
    public void The_files_other_tools_write_are_read_and_ours_comes_first(string file)
    {
        using var home = new TempHome();
        var theirs = home.Write(file, $$"""{"workspaceId":"wrk_theirs","authCookie":"{{AuthCookie}}"}""");
        Assert.Equal(theirs + "#authCookie", Load(home).CookieSource);
        home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_ours","authCookie":"{{AuthCookie}}"}""");
        Assert.Equal("wrk_ours", Load(home).WorkspaceId);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_file_others_can_read_or_write_is_GoConfigInsecure_with_the_chmod_to_run(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows has ACLs, not modes; the file is written owner-only there instead.
        }

        using var home = new TempHome();
        var path = home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_1","authCookie":"{{AuthCookie}}"}""", Private | extra);
        var ex = Fails(home);
        Assert.Equal("GoConfigInsecure", ex.ErrorId);
        Assert.Equal(FailureKind.Insecure, ex.Kind);
        Assert.Equal(path, ex.Target);
        Assert.Contains($"chmod 600 {path}", ex.Message);
        Assert.Empty(LeakedIn(ex.ToString()));

        // Also when named explicitly; and executable bits alone do not count.
        Assert.Equal("GoConfigInsecure", Fails(home, path).ErrorId);
        File.SetUnixFileMode(path, Private | UnixFileMode.UserExecute);
        Assert.Equal("wrk_1", Load(home, path).WorkspaceId);
    }

    [Fact]
    public void One_value_alone_is_GoConfigIncomplete()
    {
        using var home = new TempHome();
        home.Write(home.GoCookieFile, """{"workspaceId":"wrk_1"}""");
        var ex = Fails(home);
        Assert.Equal("GoConfigIncomplete", ex.ErrorId);
        Assert.Contains("authCookie", ex.Message);

        home.Write(home.GoCookieFile, $$"""{"authCookie":"{{AuthCookie}}", "workspaceId": ""}""");
        Assert.Equal("GoConfigIncomplete", Fails(home).ErrorId);

        File.Delete(home.GoCookieFile);
        home.Variables["OPENCODE_GO_AUTH_COOKIE"] = AuthCookie;
        ex = Fails(home);
        Assert.Equal("GoConfigIncomplete", ex.ErrorId);
        Assert.Contains("OPENCODE_GO_WORKSPACE_ID", ex.Message);
        Assert.Empty(LeakedIn(ex.ToString()));
    }

    [Fact]
    public void A_file_that_is_not_JSON_is_GoConfigInvalid_with_its_position()
    {
        using var home = new TempHome();
        home.Write(home.GoCookieFile, "{\n\"workspaceId\": \"wrk_1\",\n\"authCookie\": " + AuthCookie + "\n}");
        var ex = Fails(home);
        Assert.Equal("GoConfigInvalid", ex.ErrorId);
        Assert.Equal(FailureKind.InvalidData, ex.Kind);
        Assert.Contains("line 3", ex.Message);
        Assert.Empty(LeakedIn(ex.ToString()));

        home.Write(home.GoCookieFile, $$"""{"workspaceId":"not a workspace!","authCookie":"{{AuthCookie}}"}""");
        Assert.Equal("GoConfigInvalid", Fails(home).ErrorId);
    }

    [Fact]
    public void Nothing_anywhere_is_GoCookieNeeded_naming_the_places_looked_at()
    {
        using var home = new TempHome();
        var ex = Fails(home);
        Assert.Equal("GoCookieNeeded", ex.ErrorId);
        Assert.Equal(FailureKind.NotFound, ex.Kind);
        Assert.Contains(home.GoCookieFile, ex.Message);
        Assert.Contains("Set-OpenCodeGoCookie", ex.Message);
        Assert.Equal("GoCookieNeeded", Fails(home, Path.Combine(home.Root, "missing.json")).ErrorId);
    }

    [Theory]
    [InlineData("wrk_01KQ2E2BZJGDF8W0XG6T3NPQAC", "wrk_01KQ2E2BZJGDF8W0XG6T3NPQAC")]
    [InlineData("https://opencode.ai/workspace/wrk_01KQ2E2BZJGDF8W0XG6T3NPQAC/go", "wrk_01KQ2E2BZJGDF8W0XG6T3NPQAC")]
    [InlineData(" https://opencode.ai/workspace/wrk_A/go?tab=usage#x ", "wrk_A")]
    [InlineData("https://opencode.ai/workspace/wrk_A", "wrk_A")]
    [InlineData("https://opencode.ai/go", null)]
    [InlineData("wrk 1", null)]
    [InlineData("../etc", null)]
    [InlineData("", null)]
    public void Workspace_ids_are_taken_as_ids_or_dashboard_URLs(string text, string? expected)
    {
        Assert.Equal(expected is not null, WorkspaceId.TryParse(text, out var id));
        Assert.Equal(expected ?? string.Empty, id);
        if (expected is null)
        {
            Assert.Equal("GoWorkspaceIdInvalid", Assert.Throws<OpenCodeUsageException>(() => WorkspaceId.Parse(text)).ErrorId);
        }
    }
}
