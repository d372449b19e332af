namespace OpenCodeUsage.Go;

/// <summary>What Get-OpenCodeGoQuota asks for.</summary>
public sealed class GoQuotaQuery
{
    public static Uri DefaultBaseUri { get; } = new("https://opencode.ai");

    /// <summary>Replaces https://opencode.ai, e.g. for a proxy; plain http only to a loopback address.</summary>
    public Uri BaseUri { get; init; } = DefaultBaseUri;

    /// <summary>A cookie file to use instead of looking for an API key and the usual cookie files.</summary>
    public string? CookiePath { get; init; }

    /// <summary>OpenCode data directories or databases for the local spend; empty for the default one.</summary>
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>The directory whose project config may hold the OpenCode API key.</summary>
    public string? Directory { get; init; }
}
