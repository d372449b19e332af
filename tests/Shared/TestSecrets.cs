namespace OpenCodeUsage.Tests;

/// <summary>
/// Made-up secrets, each distinctive, planted in every source the module reads. No stream may ever carry
/// one of them, whole or its middle (what masking hides), except a Value asked for with -AsPlainText.
/// </summary>
internal static class TestSecrets
{
    public const string OpenCodeApiKey = "sk-ocu-env-opencode-Q7pX9vLr4KsW2m";
    public const string AuthApiKey = "sk-ocu-auth-anthropic-M3nB8vC1xZ5t";
    public const string AuthGoKey = "sk-ocu-auth-opencodego-J6kL2pW8sD4f";
    public const string OAuthAccess = "ocu-oauth-access-T5yU7iO9pA3sKq";
    public const string OAuthRefresh = "ocu-oauth-refresh-R2eW4qS6dF8gHj";
    public const string WellKnownToken = "ocu-wellknown-token-N4bV6cX8zL1kMp";
    public const string ConfigKey = "sk-ocu-config-mock-H8jK0lZ2xC6vBn";
    public const string FileReferenceKey = "sk-ocu-fileref-mock-G1hJ3kL5zX7cVb";
    public const string EnvironmentKey = "sk-ocu-env-anthropic-V4bN6mQ8wE0rTy";
    public const string MockEnvironmentKey = "sk-ocu-env-mock-P9oI7uY5tR3eWq";
    public const string AuthCookie = "Fe26.2**ocu-test-cookie**Y7uI9oP1aS3dFg";

    public static IReadOnlyList<string> All { get; } =
        [OpenCodeApiKey, AuthApiKey, AuthGoKey, OAuthAccess, OAuthRefresh, WellKnownToken, ConfigKey, FileReferenceKey, EnvironmentKey, MockEnvironmentKey, AuthCookie];

    /// <summary>The part of a secret that masking never shows: a text holding it holds the secret.</summary>
    public static string Core(string secret) => secret[3..^4];

    /// <summary>The secrets <paramref name="text"/> gives away, whole or by their hidden middle.</summary>
    public static IReadOnlyList<string> LeakedIn(string text, IEnumerable<string>? secrets = null) =>
        (secrets ?? All).Where(s => text.Contains(Core(s), StringComparison.Ordinal)).ToList();
}
