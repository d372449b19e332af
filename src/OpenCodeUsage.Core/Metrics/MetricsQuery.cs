using OpenCodeUsage.Budgets;
using OpenCodeUsage.Go;

namespace OpenCodeUsage.Metrics;

/// <summary>What the metrics are computed from, and which labels they keep.</summary>
public sealed record MetricsQuery
{
    /// <summary>Data dirs or database files; empty for OpenCode's default place.</summary>
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>The labels kept; the others are summed over. All of them unless the user chooses.</summary>
    public IReadOnlySet<MetricLabel> Labels { get; init; } = Enum.GetValues<MetricLabel>().ToHashSet();

    /// <summary>The value of the machine label (and of the Pushgateway's grouping key).</summary>
    public string Machine { get; init; } = Environment.MachineName;

    /// <summary>A models.json-shaped file or an OpenCode config to price from.</summary>
    public string? PricingPath { get; init; }

    /// <summary>The Go quota to add, or null to leave it out (it asks OpenCode over the network).</summary>
    public GoQuotaQuery? GoQuota { get; init; }

    public bool NoCache { get; init; }

    /// <summary>Budgets to evaluate at each computation (with <see cref="BudgetContext"/>); their names are unique.</summary>
    public IReadOnlyList<Budget> Budgets { get; init; } = [];

    /// <summary>How the budgets are evaluated: Test-OpenCodeBudget's context (its data paths are replaced by the metrics').</summary>
    public BudgetContext? BudgetContext { get; init; }

    public ActivityLog Log { get; init; } = ActivityLog.None;
}
