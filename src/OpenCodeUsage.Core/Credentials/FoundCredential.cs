namespace OpenCodeUsage.Credentials;

/// <summary>Where a credential came from, in OpenCode's order of preference for running a provider.</summary>
internal enum CredentialOrigin
{
    /// <summary>OpenCode 2.x's credential table: what 2.x uses, auth.json being imported once.</summary>
    Store,
    Auth,
    Config,
    Environment,
    GoCookie,
}

/// <summary>A credential as read, with its secret in plain text; it never leaves Core in this form.</summary>
/// <param name="Rank">Preference among credentials of the same origin and provider: lower wins.</param>
internal sealed record FoundCredential(string ProviderId, CredentialType Type, CredentialOrigin Origin, string Source, string Secret, int Rank = 0)
{
    public DateTimeOffset? Expires { get; init; }

    public string? AccountId { get; init; }

    /// <summary>An OAuth refresh token, only to tell an auth.json entry 2.x imported; never shown.</summary>
    public string? Refresh { get; init; }

    /// <summary>For OpenCode 2.x's credential table: whether this is its integration's active account.</summary>
    public bool? Active { get; init; }

    // Records print every field; this one must never print the secret.
    public override string ToString() => $"{ProviderId} {Type} from {Source}";
}
