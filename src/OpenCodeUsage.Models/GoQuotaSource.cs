namespace OpenCodeUsage;

/// <summary>Where a quota figure came from.</summary>
public enum GoQuotaSource
{
    /// <summary>The official usage endpoint, with an OpenCode API key.</summary>
    Api,

    /// <summary>The console's server-rendered page, with the browser cookie.</summary>
    Cookie,
}
