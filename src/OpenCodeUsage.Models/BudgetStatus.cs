namespace OpenCodeUsage;

/// <summary>
/// One budget evaluated at one moment (Test-OpenCodeBudget): the spend in its period so far, the burn rate and
/// where it leads by the period's end. Dollars for local budgets; percent of the window for Go budgets (Unit).
/// </summary>
public sealed record BudgetStatus
{
    public required string Name { get; init; }

    public BudgetState Status { get; init; }

    public BudgetPeriod Period { get; init; }

    /// <summary>"USD", or "%" for a Go budget.</summary>
    public required string Unit { get; init; }

    /// <summary>When the period began.</summary>
    public DateTimeOffset Start { get; init; }

    /// <summary>When the period ends (for a Rolling window: now).</summary>
    public DateTimeOffset End { get; init; }

    /// <summary>The moment the budget was evaluated.</summary>
    public DateTimeOffset Evaluated { get; init; }

    /// <summary>Spend so far in the period; empty when it cannot be known.</summary>
    public decimal? Spent { get; init; }

    public decimal? Limit { get; init; }

    /// <summary>The larger of Spent and Tokens against their limits, in percent.</summary>
    public decimal? Percent { get; init; }

    /// <summary>Until the period ends; zero for a Rolling window.</summary>
    public TimeSpan TimeLeft { get; init; }

    /// <summary>Spend per hour since the period began (over the whole window for a Rolling one).</summary>
    public decimal? BurnRate { get; init; }

    /// <summary>Spend at the period's end at that burn rate; empty in the first 24th of the period, when it says little.</summary>
    public decimal? Projected { get; init; }

    /// <summary>Tokens in the period so far.</summary>
    public long Tokens { get; init; }

    public long? TokenLimit { get; init; }

    public long? ProjectedTokens { get; init; }

    /// <summary>Assistant messages counted.</summary>
    public int Messages { get; init; }

    /// <summary>One line fit for a notification: name, state, spend against limit, projection.</summary>
    public required string Message { get; init; }

    /// <summary>The budget evaluated, to pipe on or store.</summary>
    public required Budget Budget { get; init; }

    public override string ToString() => Message;
}
