namespace OpenCodeUsage;

/// <summary>A budget crossed a threshold during Watch-OpenCodeBudget: its new state, what crossed it and what was done.</summary>
public sealed class BudgetAlert
{
    public DateTimeOffset Time { get; init; }

    public required string Name { get; init; }

    public BudgetState Status { get; init; }

    /// <summary>The state before this step (Ok when the watch began).</summary>
    public BudgetState PreviousStatus { get; init; }

    public decimal? Spent { get; init; }
    public decimal? Limit { get; init; }
    public decimal? Percent { get; init; }
    public decimal? Projected { get; init; }

    /// <summary>The session whose step crossed the threshold; empty when the budget stood there when the watch began.</summary>
    public string? SessionId { get; init; }

    public string? MessageId { get; init; }

    /// <summary>provider/model of that step.</summary>
    public string? Model { get; init; }

    /// <summary>The step's own cost.</summary>
    public decimal? StepCost { get; init; }

    /// <summary>What was done about it: delegations stopped, sessions interrupted, the action run (or skipped by -WhatIf).</summary>
    public string[] Actions { get; set; } = [];

    public required string Message { get; init; }

    /// <summary>The full evaluation behind the alert.</summary>
    public required BudgetStatus Evaluation { get; init; }

    public override string ToString() => Message;
}
