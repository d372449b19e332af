namespace OpenCodeUsage;

/// <summary>What a credential is used for; one credential can serve both.</summary>
[Flags]
public enum CredentialRole
{
    /// <summary>Found, but not used: a source OpenCode (or the quota check) prefers has one for the same purpose.</summary>
    None = 0,

    /// <summary>What <c>opencode run</c> uses to call the provider.</summary>
    Delegation = 1,

    /// <summary>What Get-OpenCodeGoQuota uses to check the OpenCode Go quota.</summary>
    Tracking = 2,
}
