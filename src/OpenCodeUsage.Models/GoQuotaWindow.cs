namespace OpenCodeUsage;

/// <summary>The OpenCode Go limit windows.</summary>
public enum GoQuotaWindow
{
    /// <summary>The rolling 5-hour window.</summary>
    Rolling,

    Weekly,
    Monthly,
}
