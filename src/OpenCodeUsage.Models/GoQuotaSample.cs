namespace OpenCodeUsage;

/// <summary>
/// One reading of a Go window kept in the quota history (Get-OpenCodeGoQuota -History), set beside the local
/// opencode-go spend in the same window: what one percent cost, the dollar limit the percent implies, and whether
/// the two still agree within the percent's resolution.
/// </summary>
public sealed class GoQuotaSample
{
    public DateTimeOffset Time { get; init; }
    public GoQuotaWindow Window { get; init; }

    /// <summary>Percent used as OpenCode reported it (a whole number: ±0.5% resolution).</summary>
    public decimal PercentUsed { get; init; }

    public DateTimeOffset? WindowStart { get; init; }
    public DateTimeOffset? ResetsAt { get; init; }

    /// <summary>The local database's opencode-go cost since WindowStart, when it was read.</summary>
    public decimal? LocalCost { get; init; }

    /// <summary>LocalCost over PercentUsed.</summary>
    public decimal? DollarsPerPercent { get; init; }

    /// <summary>The window's limit in dollars that LocalCost at PercentUsed implies: LocalCost × 100 / PercentUsed.</summary>
    public decimal? ImpliedLimit { get; init; }

    /// <summary>The lowest and highest limits PercentUsed's ±0.5% leaves possible.</summary>
    public decimal? ImpliedLimitLow { get; init; }

    public decimal? ImpliedLimitHigh { get; init; }

    /// <summary>
    /// This reading's possible limits share none with the earlier readings of the same window: the percent and the
    /// local spend moved apart by more than the resolution explains (spend elsewhere, or counted otherwise).
    /// </summary>
    public bool Disagrees { get; init; }

    public string? WorkspaceId { get; init; }

    public override string ToString() => $"{Window} {PercentUsed}% at {Time:u}";
}
