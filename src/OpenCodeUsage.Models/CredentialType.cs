namespace OpenCodeUsage;

/// <summary>What kind of secret a credential is.</summary>
public enum CredentialType
{
    /// <summary>An API key (auth.json type "api", a config apiKey or a provider's environment variable).</summary>
    Api,

    /// <summary>An OAuth access token with a refresh token and an expiry (auth.json type "oauth").</summary>
    OAuth,

    /// <summary>A token from a well-known auth endpoint (auth.json type "wellknown").</summary>
    WellKnown,

    /// <summary>The OpenCode console's browser cookie, for OpenCode Go quota checks.</summary>
    Cookie,
}
