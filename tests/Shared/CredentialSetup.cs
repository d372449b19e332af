using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests;

/// <summary>
/// A home where every credential source OpenCode knows holds something: auth.json of each type, global and
/// project configs (JSONC, {env:} and {file:}), models.json's provider variables, OPENCODE_API_KEY and the Go
/// cookie file. <see cref="Expected"/> is what OpenCode (and the quota check) would use from it, worked out by hand.
/// </summary>
internal static class CredentialSetup
{
    public const string WorkspaceId = "wrk_01TESTWORKSPACE";
    public const string OAuthExpiredAt = "2023-11-14T22:13:20Z"; // 1700000000000 ms

    /// <summary>ProviderId, Type, Role, where the Source starts or ends, and the secret, in output order.</summary>
    public static IReadOnlyList<(string Provider, string Type, string Role, string Source, string Secret)> Expected(TempHome home) =>
    [
        ("anthropic", "Api", "Delegation", home.AuthJson + "#anthropic", AuthApiKey),
        ("anthropic", "Api", "None", "ANTHROPIC_API_KEY", EnvironmentKey),
        ("corp", "WellKnown", "Delegation", home.AuthJson + "#corp", WellKnownToken),
        ("mock", "Api", "Delegation", Path.Combine(home.ProjectSubfolder, "opencode.jsonc") + "#provider.mock.options.apiKey", ConfigKey),
        ("mock", "Api", "None", Path.Combine(home.ConfigDir, "opencode.jsonc") + "#provider.mock.options.apiKey ({env:MOCK_API_KEY})", MockEnvironmentKey),
        ("mock", "Api", "None", "MOCK_API_KEY", MockEnvironmentKey),
        ("mockfile", "Api", "Delegation", Path.Combine(home.Project, "opencode.json") + "#provider.mockfile.options.apiKey ({file:./secrets/key.txt})", FileReferenceKey),
        ("openai", "OAuth", "Delegation", home.AuthJson + "#openai", OAuthAccess),
        ("opencode", "Api", "Delegation, Tracking", "OPENCODE_API_KEY", OpenCodeApiKey),
        ("opencode-go", "Api", "Delegation", home.AuthJson + "#opencode-go", AuthGoKey),
        ("opencode-go", "Cookie", "None", home.GoCookieFile + "#authCookie", AuthCookie),
    ];

    public static TempHome Create()
    {
        var home = new TempHome();
        home.Write(home.AuthJson, $$"""
            {
              "anthropic": { "type": "api", "key": "{{AuthApiKey}}" },
              "openai": { "type": "oauth", "refresh": "{{OAuthRefresh}}", "access": "{{OAuthAccess}}", "expires": 1700000000000, "accountId": "acct_ocu_1" },
              "corp": { "type": "wellknown", "key": "CORP_TOKEN", "token": "{{WellKnownToken}}" },
              "opencode-go": { "type": "api", "key": "{{AuthGoKey}}" }
            }
            """);
        home.Write(Path.Combine(home.ConfigDir, "opencode.jsonc"), """
            // The global config: JSONC, with comments and trailing commas.
            {
              "$schema": "https://opencode.ai/config.json",
              "provider": {
                "mock": { "options": { "apiKey": "{env:MOCK_API_KEY}", }, },
                /* an unset variable makes an empty key, which OpenCode ignores */
                "anthropic": { "options": { "apiKey": "{env:OCU_TEST_UNSET_VARIABLE}" } },
              },
            }
            """);
        home.Write(Path.Combine(home.ProjectSubfolder, "opencode.jsonc"), $$"""
            { "provider": { "mock": { "options": { "apiKey": "{{ConfigKey}}" } } } }
            """);
        home.Write(Path.Combine(home.Project, "secrets", "key.txt"), FileReferenceKey + "\n");
        home.Write(Path.Combine(home.Project, "opencode.json"), """
            { "provider": { "mockfile": { "options": { "apiKey": "{file:./secrets/key.txt}" } } } }
            """);
        home.Write(home.ModelsJson, """
            {
              "anthropic": { "id": "anthropic", "env": ["ANTHROPIC_API_KEY"], "models": {} },
              "opencode": { "id": "opencode", "env": ["OPENCODE_API_KEY"], "models": {} },
              "mock": { "id": "mock", "env": ["MOCK_API_KEY"], "models": {} }
            }
            """);
        home.Write(home.GoCookieFile, $$"""{ "workspaceId": "{{WorkspaceId}}", "authCookie": "{{AuthCookie}}" }""");
        home.Variables["ANTHROPIC_API_KEY"] = EnvironmentKey;
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        home.Variables["MOCK_API_KEY"] = MockEnvironmentKey;
        return home;
    }
}
