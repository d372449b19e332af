namespace OpenCodeUsage;

/// <summary>
/// One OpenCode Go limit window: how much of it is used (from OpenCode), with the opencode-go spend the
/// local database holds for the same window and a projection of when the limit is reached.
/// </summary>
public sealed class GoQuota
{
    public GoQuotaWindow Window { get; init; }

    /// <summary>Percent of the window's dollar limit used, 0 to 100.</summary>
    public decimal PercentUsed { get; init; }

    public GoQuotaStatus Status { get; init; }
    public DateTimeOffset? ResetsAt { get; init; }
    public GoQuotaSource Source { get; init; }

    /// <summary>The workspace the figures belong to, when OpenCode names it.</summary>
    public string? WorkspaceId { get; init; }

    /// <summary>Where the window began: ResetsAt less 5 hours, 7 days or one month.</summary>
    public DateTimeOffset? WindowStart { get; init; }

    /// <summary>Cost in USD of opencode-go messages in the local database since WindowStart; empty when unknown.</summary>
    public decimal? LocalCost { get; init; }

    /// <summary>LocalCost per percent used, where both are above zero: an estimate of what one percent is worth.</summary>
    public decimal? DollarsPerPercent { get; init; }

    /// <summary>Time until 100% at the window's average burn rate so far; zero when the limit is reached.</summary>
    public TimeSpan? TimeToLimit { get; init; }

    public override string ToString() => $"{Window} {PercentUsed}%";
}
