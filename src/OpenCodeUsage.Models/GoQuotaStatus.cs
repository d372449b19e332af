namespace OpenCodeUsage;

/// <summary>Whether OpenCode Go still serves requests in a window.</summary>
public enum GoQuotaStatus
{
    Ok,
    RateLimited,
}
