namespace OpenCodeUsage.Budgets;

/// <summary>
/// Burn rate, projection and state from a spend and its period. The projection is the average rate since the
/// period began carried to its end: plain enough to check by hand, and what a limit per period is about.
/// </summary>
public static class BudgetForecast
{
    /// <summary>The share of the period that must pass before a projection is made: an hour of a day.</summary>
    public const int QuietFraction = 24;

    /// <summary>Spend per hour; null when no time has passed.</summary>
    public static decimal? BurnRate(decimal spent, TimeSpan elapsed) =>
        elapsed > TimeSpan.Zero ? spent / (decimal)elapsed.TotalHours : null;

    /// <summary>
    /// Spent plus the burn rate over the time left; null in the first <see cref="QuietFraction"/>th of the period,
    /// where one call would project wildly. A rolling window (no end) projects to what it holds.
    /// </summary>
    public static decimal? Project(decimal spent, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now, bool rolling)
    {
        if (rolling)
        {
            return spent;
        }

        var length = end - start;
        var elapsed = now - start;
        if (length <= TimeSpan.Zero || elapsed < length / QuietFraction)
        {
            return null;
        }

        var left = end - now;
        return left <= TimeSpan.Zero ? spent : spent + spent / (decimal)elapsed.TotalHours * (decimal)left.TotalHours;
    }

    /// <summary>Percent of the limit; null without a limit.</summary>
    public static decimal? Percent(decimal? spent, decimal? limit) =>
        spent is { } s && limit is { } l ? l > 0 ? Math.Round(s * 100 / l, 2) : s > 0 ? 100 : 0 : null;

    /// <summary>The most severe state any limit gives: Exceeded, then ForecastExceeded, then Warning.</summary>
    public static BudgetState State(decimal warningPercent, params (decimal? Spent, decimal? Limit, decimal? Projected)[] measures)
    {
        var state = BudgetState.Ok;
        foreach (var (spent, limit, projected) in measures)
        {
            if (limit is not { } l)
            {
                continue;
            }

            if (spent is not { } s)
            {
                return BudgetState.Unknown;
            }

            var here = s >= l ? BudgetState.Exceeded
                : projected > l ? BudgetState.ForecastExceeded
                : s * 100 >= warningPercent * l ? BudgetState.Warning
                : BudgetState.Ok;
            state = Max(state, here);
        }

        return state;
    }

    /// <summary>The more severe of two states (Unknown is not compared: it stays).</summary>
    public static BudgetState Max(BudgetState a, BudgetState b) =>
        a == BudgetState.Unknown || b == BudgetState.Unknown ? BudgetState.Unknown : (BudgetState)Math.Max((int)a, (int)b);
}
