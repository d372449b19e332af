namespace OpenCodeUsage.Credentials;

/// <summary>What Get-OpenCodeCredential lists.</summary>
public sealed class CredentialQuery
{
    /// <summary>Only these provider ids (the roles are still decided over every credential).</summary>
    public Func<string, bool>? ProviderFilter { get; init; }

    /// <summary>The directory whose project config files count, as OpenCode started there would read them.</summary>
    public string? Directory { get; init; }
}
