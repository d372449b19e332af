namespace OpenCodeUsage;

/// <summary>The span of time a budget's spend is counted over.</summary>
public enum BudgetPeriod
{
    /// <summary>Today, from midnight in the budget's time zone.</summary>
    Day,

    /// <summary>The ISO 8601 week: from Monday midnight.</summary>
    Week,

    /// <summary>The calendar month, from the 1st at midnight.</summary>
    Month,

    /// <summary>The last Window of time up to now (say, the last 5 hours).</summary>
    Rolling,

    /// <summary>An OpenCode Go window, as OpenCode reports it (GoWindow): its percent used against GoPercent.</summary>
    Go,
}
