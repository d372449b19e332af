using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Budgets;

/// <summary>What evaluating budgets needs besides the budgets: where the data is, the clock, and how names match (a record: the metrics source swaps the data paths with `with`).</summary>
public sealed record BudgetContext
{
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>The clock budgets are evaluated by; a fixed one makes forecasts reproducible.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How long one reading of the Go quota serves (a watch asks again after it); null for the evaluator's lifetime.</summary>
    public TimeSpan? GoRefresh { get; init; }

    public bool NoCache { get; init; }

    /// <summary>A models.json-shaped file or OpenCode config to price Estimated budgets from.</summary>
    public string? PricingPath { get; init; }

    /// <summary>Turns a scope's patterns into a filter (PowerShell's wildcards in the module); null for no patterns.</summary>
    public Func<IReadOnlyList<string>?, TextFilter?> Filter { get; init; } = Exact;

    /// <summary>Whether a session pattern is an exact id (reported as SessionNotFound when no session has it).</summary>
    public Func<string, bool> IsExactId { get; init; } = _ => true;

    /// <summary>OpenCode's Go windows, asked for once and only when a Go budget is evaluated.</summary>
    public Func<IReadOnlyList<GoQuota>>? GoQuota { get; init; }

    public ActivityLog Log { get; init; } = ActivityLog.None;

    /// <summary>Case-insensitive exact names: the filter Core's own callers and tests use.</summary>
    public static TextFilter? Exact(IReadOnlyList<string>? patterns) => patterns is { Count: > 0 }
        ? new TextFilter(patterns, v => patterns.Contains(v, StringComparer.OrdinalIgnoreCase), "exact-ignore-case")
        : null;
}
