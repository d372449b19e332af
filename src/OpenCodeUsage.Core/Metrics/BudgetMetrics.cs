namespace OpenCodeUsage.Metrics;

/// <summary>
/// Budgets' evaluations (Core/Budgets, exactly what Test-OpenCodeBudget outputs) as gauges, one series per budget:
/// spend, limit and projection in USD (and tokens where a token limit is set), the share of the limit used, when the
/// period ends, and the state as a state set (one series per state, 1 for the budget's current one). A Go budget's
/// spend is a percent of a Go window, so it has the ratio, the end and the state, and no USD series. A figure the
/// evaluation does not know (an unpriced Estimated spend, a Go quota that could not be read) has no series.
/// </summary>
public static class BudgetMetrics
{
    public const string SpentUsd = "opencode_budget_spent_usd";
    public const string LimitUsd = "opencode_budget_limit_usd";
    public const string ProjectedUsd = "opencode_budget_projected_usd";
    public const string SpentTokens = "opencode_budget_spent_tokens";
    public const string LimitTokens = "opencode_budget_limit_tokens";
    public const string UsedRatio = "opencode_budget_used_ratio";
    public const string PeriodEnd = "opencode_budget_period_end_timestamp_seconds";
    public const string Status = "opencode_budget_status";

    /// <summary>The status label's values, Prometheus-style (snake case), in BudgetState's order.</summary>
    public static string StatusLabel(BudgetState state) => state switch
    {
        BudgetState.Ok => "ok",
        BudgetState.Warning => "warning",
        BudgetState.ForecastExceeded => "forecast_exceeded",
        BudgetState.Exceeded => "exceeded",
        _ => "unknown",
    };

    /// <param name="machine">The machine label's value, or null when the user left that label out.</param>
    public static void Add(MetricSet set, IReadOnlyList<BudgetStatus> statuses, string? machine)
    {
        string[] names = machine is null ? ["budget"] : ["machine", "budget"];
        set.Define(SpentUsd, MetricType.Gauge, "Spend in the budget's current period, in USD (Test-OpenCodeBudget's Spent).", names);
        set.Define(LimitUsd, MetricType.Gauge, "The budget's limit in USD.", names);
        set.Define(ProjectedUsd, MetricType.Gauge, "Spend projected at the end of the budget's period at the burn rate so far, in USD.", names);
        set.Define(SpentTokens, MetricType.Gauge, "Tokens in the budget's current period, for a budget with a token limit.", names);
        set.Define(LimitTokens, MetricType.Gauge, "The budget's token limit.", names);
        set.Define(UsedRatio, MetricType.Gauge, "Share of the budget's limit used (Test-OpenCodeBudget's Percent / 100; above 1 past the limit).", names);
        set.Define(PeriodEnd, MetricType.Gauge, "When the budget's period (or Go window) ends, in Unix seconds; none for a rolling window.", names);
        set.Define(Status, MetricType.Gauge, "1 for the budget's current status, 0 for the others.", [.. names, "status"]);
        foreach (var budget in statuses)
        {
            string[] labels = machine is null ? [budget.Name] : [machine, budget.Name];
            if (budget.Budget.Period != BudgetPeriod.Go)
            {
                AddIfKnown(set, SpentUsd, budget.Spent, labels);
                AddIfKnown(set, LimitUsd, budget.Limit, labels);
                AddIfKnown(set, ProjectedUsd, budget.Projected, labels);
                if (budget.TokenLimit is { } tokenLimit)
                {
                    set.Add(SpentTokens, budget.Tokens, labels);
                    set.Add(LimitTokens, tokenLimit, labels);
                }
            }

            AddIfKnown(set, UsedRatio, budget.Percent / 100m, labels);
            // A rolling window ends now, always; an unread Go window's end is not known.
            var endKnown = budget.Period != BudgetPeriod.Rolling && !(budget.Period == BudgetPeriod.Go && budget.Spent is null);
            if (endKnown)
            {
                set.Add(PeriodEnd, budget.End.ToUnixTimeMilliseconds() / 1000m, labels);
            }

            foreach (var state in Enum.GetValues<BudgetState>())
            {
                set.Add(Status, state == budget.Status ? 1 : 0, [.. labels, StatusLabel(state)]);
            }
        }
    }

    private static void AddIfKnown(MetricSet set, string name, decimal? value, string[] labels)
    {
        if (value is { } known)
        {
            set.Add(name, known, labels);
        }
    }
}
