using OpenCodeUsage.Credentials;
using OpenCodeUsage.Storage;
using Xunit;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Credentials;

/// <summary>Finding credentials where OpenCode keeps them, and which of them OpenCode and the quota check use.</summary>
public sealed class CredentialCatalogTests
{
    private static IReadOnlyList<Credential> Find(TempHome home, ReadDiagnostics diagnostics, Func<string, bool>? filter = null, List<string>? verbose = null) =>
        CredentialCatalog.Find(new CredentialQuery { Directory = home.ProjectSubfolder, ProviderFilter = filter }, home.Environment,
            diagnostics, new ActivityLog { Verbose = verbose is null ? null : verbose.Add });

    private static string Plain(Credential c) => new System.Net.NetworkCredential(string.Empty, c.Secret).Password;

    [Fact]
    public void Every_source_is_read_and_each_credential_has_the_role_OpenCode_gives_it()
    {
        using var home = CredentialSetup.Create();
        var diagnostics = new ReadDiagnostics();
        var found = Find(home, diagnostics);
        Assert.Empty(diagnostics.Failures);
        var expected = CredentialSetup.Expected(home);
        Assert.Equal(expected.Select(e => (e.Provider, e.Type, e.Role, e.Source)),
            found.Select(c => (c.ProviderId, c.Type.ToString(), c.Role.ToString(), c.Source)));
        Assert.Equal(expected.Select(e => e.Secret), found.Select(Plain));
        Assert.All(found, c => Assert.True(c.Secret.IsReadOnly()));
    }

    [Fact]
    public void Values_are_masked_to_at_most_the_first_3_and_last_4_characters()
    {
        using var home = CredentialSetup.Create();
        var found = Find(home, new ReadDiagnostics());
        Assert.All(found, c =>
        {
            var secret = Plain(c);
            Assert.Equal(secret[..3] + "…" + secret[^4..], c.MaskedValue);
            Assert.DoesNotContain(Core(secret), c.MaskedValue);
            Assert.DoesNotContain(Core(secret), c.ToString());
        });
        Assert.Equal("sk-…9f3c", SecretText.Mask("sk-0123456789abcdef9f3c"));
        Assert.Equal("…9de", SecretText.Mask("0123456789de")); // 12 characters: a quarter shown, no prefix
        Assert.Equal("…", SecretText.Mask("abc"));
    }

    [Fact]
    public void OAuth_tokens_carry_their_expiry_and_account()
    {
        using var home = CredentialSetup.Create();
        var oauth = Assert.Single(Find(home, new ReadDiagnostics()), c => c.Type == CredentialType.OAuth);
        Assert.Equal(DateTimeOffset.Parse(CredentialSetup.OAuthExpiredAt, System.Globalization.CultureInfo.InvariantCulture), oauth.Expires);
        Assert.True(oauth.IsExpired);
        Assert.Equal("acct_ocu_1", oauth.AccountId);
        Assert.All(Find(home, new ReadDiagnostics()).Where(c => c.Type != CredentialType.OAuth), c => Assert.Null(c.IsExpired));
        var cookie = Assert.Single(Find(home, new ReadDiagnostics()), c => c.Type == CredentialType.Cookie);
        Assert.Equal(CredentialSetup.WorkspaceId, cookie.AccountId);
    }

    [Fact]
    public void OPENCODE_AUTH_CONTENT_replaces_auth_json()
    {
        using var home = CredentialSetup.Create();
        home.Variables["OPENCODE_AUTH_CONTENT"] = $$"""{"anthropic":{"type":"api","key":"{{AuthGoKey}}"} }""";
        var found = Find(home, new ReadDiagnostics(), p => p == "anthropic");
        var auth = Assert.Single(found, c => c.Source.StartsWith("OPENCODE_AUTH_CONTENT", StringComparison.Ordinal));
        Assert.Equal("OPENCODE_AUTH_CONTENT#anthropic", auth.Source);
        Assert.Equal(AuthGoKey, Plain(auth));
        Assert.DoesNotContain(found, c => c.Source.Contains("auth.json", StringComparison.Ordinal));
    }

    [Fact]
    public void The_project_config_is_read_up_to_the_worktree_root_and_no_further()
    {
        using var home = CredentialSetup.Create();
        // Above the worktree root (Project has .git): OpenCode does not read it, so neither do we.
        home.Write(Path.Combine(home.Root, "work", "opencode.json"), """{"provider":{"outside":{"options":{"apiKey":"sk-outside-the-worktree-0000"} } } }""");
        var found = Find(home, new ReadDiagnostics());
        Assert.DoesNotContain(found, c => c.ProviderId == "outside");
        Assert.Contains(found, c => c.ProviderId == "mockfile");

        // From outside the project, neither project file counts.
        var outside = CredentialCatalog.Find(new CredentialQuery { Directory = home.Root }, home.Environment, new ReadDiagnostics(), ActivityLog.None);
        Assert.DoesNotContain(outside, c => c.ProviderId == "mockfile");
    }

    [Fact]
    public void Config_sources_merged_later_win_OPENCODE_CONFIG_DIR_then_OPENCODE_CONFIG_CONTENT_last()
    {
        using var home = CredentialSetup.Create();
        var dir = Path.Combine(home.Root, "configdir");
        home.Write(Path.Combine(dir, "opencode.json"), $$"""{"provider":{"mock":{"options":{"apiKey":"{{AuthGoKey}}"} } } }""");
        home.Variables["OPENCODE_CONFIG_DIR"] = dir;
        Assert.Equal(AuthGoKey, Plain(Delegating(home, "mock")));

        home.Variables["OPENCODE_CONFIG_CONTENT"] = $$"""{"provider":{"mock":{"options":{"apiKey":"{{OAuthRefresh}}"} } } }""";
        var mock = Delegating(home, "mock");
        Assert.Equal(OAuthRefresh, Plain(mock));
        Assert.Equal("OPENCODE_CONFIG_CONTENT#provider.mock.options.apiKey", mock.Source);

        var custom = home.Write("custom.json", """{"provider":{"custom":{"options":{"apiKey":"{file:~/custom-key.txt}"} } } }""");
        home.Write("custom-key.txt", "  " + WellKnownToken + "  \n");
        home.Variables["OPENCODE_CONFIG"] = custom;
        Assert.Equal(WellKnownToken, Plain(Delegating(home, "custom")));
    }

    private static Credential Delegating(TempHome home, string provider) =>
        Assert.Single(Find(home, new ReadDiagnostics(), p => p == provider), c => c.Role.HasFlag(CredentialRole.Delegation));

    [Fact]
    public void The_first_set_variable_of_a_providers_env_list_is_the_one_used()
    {
        using var home = new TempHome();
        home.Write(home.ModelsJson, """{"anthropic":{"env":["ANTHROPIC_AUTH_TOKEN","ANTHROPIC_API_KEY"]}}""");
        home.Variables["ANTHROPIC_API_KEY"] = EnvironmentKey;
        Assert.Equal("ANTHROPIC_API_KEY", Delegating(home, "anthropic").Source);
        home.Variables["ANTHROPIC_AUTH_TOKEN"] = MockEnvironmentKey;
        Assert.Equal("ANTHROPIC_AUTH_TOKEN", Delegating(home, "anthropic").Source);
    }

    [Theory]
    [InlineData("env", "OPENCODE_API_KEY")]
    [InlineData("config", "#provider.opencode.options.apiKey")]
    [InlineData("auth-go", "auth.json#opencode-go")]
    [InlineData("auth-opencode", "auth.json#opencode")]
    [InlineData("cookie", "opencode-go.json#authCookie")]
    public void The_quota_check_takes_the_first_of_OpenCodes_documented_sources(string weakest, string expectedSource)
    {
        // Every source from the weakest up to the strongest is present except those stronger than the one expected.
        using var home = new TempHome();
        string[] order = ["env", "config", "auth-go", "auth-opencode", "cookie"];
        var present = order[Array.IndexOf(order, weakest)..];
        var auth = new List<string>();
        foreach (var source in present)
        {
            switch (source)
            {
                case "env":
                    home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
                    break;
                case "config":
                    home.Write(Path.Combine(home.ConfigDir, "opencode.json"), $$"""{"provider":{"opencode":{"options":{"apiKey":"{{ConfigKey}}"} } } }""");
                    break;
                case "auth-go":
                    auth.Add($"\"opencode-go\":{{\"type\":\"api\",\"key\":\"{AuthGoKey}\"}}");
                    break;
                case "auth-opencode":
                    auth.Add($"\"opencode\":{{\"type\":\"api\",\"key\":\"{AuthApiKey}\"}}");
                    break;
                case "cookie":
                    home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_1","authCookie":"{{AuthCookie}}"}""");
                    break;
            }
        }

        home.Write(home.AuthJson, "{" + string.Join(",", auth) + "}");
        var tracking = Assert.Single(Find(home, new ReadDiagnostics()), c => c.Role.HasFlag(CredentialRole.Tracking));
        Assert.EndsWith(expectedSource, tracking.Source);
        var key = CredentialCatalog.GoQuotaKey(home.Environment, home.ProjectSubfolder, new ReadDiagnostics(), ActivityLog.None);
        if (weakest == "cookie")
        {
            Assert.Null(key);
        }
        else
        {
            Assert.EndsWith(expectedSource, key!.Source);
        }
    }

    [Fact]
    public void A_provider_filter_keeps_the_roles_decided_over_every_credential()
    {
        using var home = CredentialSetup.Create();
        var anthropic = Find(home, new ReadDiagnostics(), p => p.StartsWith("anth", StringComparison.Ordinal));
        Assert.Equal(["Delegation", "None"], anthropic.Select(c => c.Role.ToString()));
    }

    [Fact]
    public void A_malformed_file_is_one_failure_naming_its_path_and_position_and_the_rest_is_still_listed()
    {
        using var home = CredentialSetup.Create();
        // The bad character is the start of a secret: the error must locate it without quoting it.
        home.Write(home.AuthJson, $"{{\n  \"anthropic\": {{ \"type\": \"api\", \"key\": {AuthApiKey} }}\n}}");
        home.Write(Path.Combine(home.ConfigDir, "opencode.jsonc"), "{ \"provider\": { \"mock\": ");
        var diagnostics = new ReadDiagnostics();
        var found = Find(home, diagnostics);
        Assert.Equal(2, diagnostics.Failures.Count);
        var auth = Assert.Single(diagnostics.Failures, f => f.ErrorId == "AuthFileInvalid");
        Assert.Equal(home.AuthJson, auth.Target);
        Assert.Contains(home.AuthJson, auth.Message);
        Assert.Contains("line 2, column 40", auth.Message);
        Assert.Empty(LeakedIn(auth.ToString()));
        Assert.DoesNotContain("'s'", auth.Message);
        var config = Assert.Single(diagnostics.Failures, f => f.ErrorId == "ConfigFileInvalid");
        Assert.Equal(Path.Combine(home.ConfigDir, "opencode.jsonc"), config.Target);
        Assert.Contains(found, c => c.Source == "OPENCODE_API_KEY");
        Assert.Contains(found, c => c.ProviderId == "mockfile");
        Assert.DoesNotContain(found, c => c.Source.Contains("auth.json", StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_reference_to_a_missing_file_is_ConfigReferenceInvalid()
    {
        using var home = CredentialSetup.Create();
        File.Delete(Path.Combine(home.Project, "secrets", "key.txt"));
        var diagnostics = new ReadDiagnostics();
        var found = Find(home, diagnostics);
        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal("ConfigReferenceInvalid", failure.ErrorId);
        Assert.Contains("{file:./secrets/key.txt}", failure.Message);
        Assert.Contains(Path.Combine(home.Project, "secrets", "key.txt"), failure.Message);
        Assert.DoesNotContain(found, c => c.ProviderId == "mockfile");
    }

    [Fact]
    public void Sources_are_narrated_without_values()
    {
        using var home = CredentialSetup.Create();
        var verbose = new List<string>();
        Find(home, new ReadDiagnostics(), verbose: verbose);
        Assert.Contains(verbose, v => v.Contains(home.AuthJson, StringComparison.Ordinal));
        Assert.Contains(verbose, v => v.Contains("resolves to an empty value", StringComparison.Ordinal));
        Assert.Empty(LeakedIn(string.Join("\n", verbose)));
    }
}
