namespace OpenCodeUsage.Credentials;

/// <summary>Where a credential came from, in OpenCode's order of preference for running a provider.</summary>
internal enum CredentialOrigin
{
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

    // Records print every field; this one must never print the secret.
    public override string ToString() => $"{ProviderId} {Type} from {Source}";
}
