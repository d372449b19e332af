using System.Security;

namespace OpenCodeUsage;

/// <summary>
/// One credential OpenCode (or the quota check) can use. The secret itself is only ever a SecureString;
/// MaskedValue shows at most its first 3 and last 4 characters.
/// </summary>
public sealed class Credential
{
    public required string ProviderId { get; init; }
    public CredentialType Type { get; init; }
    public CredentialRole Role { get; init; }

    /// <summary>Where it was found: "file#key", "OPENCODE_AUTH_CONTENT#key", or an environment variable's name.</summary>
    public required string Source { get; init; }

    public required string MaskedValue { get; init; }
    public required SecureString Secret { get; init; }

    /// <summary>When an OAuth access token expires.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>Whether an OAuth access token has expired; empty for other types.</summary>
    public bool? IsExpired { get; init; }

    /// <summary>The OAuth account id, or the OpenCode workspace id of a Go cookie.</summary>
    public string? AccountId { get; init; }

    /// <summary>OpenCode 2.x's credential table keeps several accounts per provider: whether this is the active one. Empty elsewhere.</summary>
    public bool? IsActive { get; init; }

    // Never the secret: ToString ends up in string interpolation, logs and error messages.
    public override string ToString() => $"{ProviderId} ({Type}) {MaskedValue}";
}
