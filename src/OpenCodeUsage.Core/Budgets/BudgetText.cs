using System.Globalization;

namespace OpenCodeUsage.Budgets;

/// <summary>The one-line message of a budget's state, for a notification or a log: plain, invariant numbers.</summary>
internal static class BudgetText
{
    public static string Line(BudgetStatus s, string? reason)
    {
        var c = CultureInfo.InvariantCulture;
        if (reason is not null)
        {
            return $"Budget '{s.Name}' is Unknown: {reason}.".Replace("..", ".", StringComparison.Ordinal);
        }

        var parts = new List<string>();
        if (s.Unit == "%")
        {
            parts.Add(string.Create(c, $"{s.Spent:0.#}% of the {s.Budget.GoWindow} Go window used, limit {s.Limit:0.#}%"));
            if (s.Projected is { } p)
            {
                parts.Add(string.Create(c, $"projected {p:0.#}% by its reset at {s.End:yyyy-MM-dd HH:mm}"));
            }
        }
        else
        {
            if (s.Limit is { } limit)
            {
                parts.Add(string.Create(c, $"${Money(s.Spent!.Value)} of ${Money(limit)} ({s.Spent * 100 / Math.Max(limit, 0.000001m):0.#}%)"));
            }

            if (s.TokenLimit is { } tokens)
            {
                parts.Add(string.Create(c, $"{s.Tokens:N0} of {tokens:N0} tokens"));
            }

            parts[0] += " " + Span(s);
            if (s.Projected is { } p && s.Budget.Period != BudgetPeriod.Rolling)
            {
                parts.Add(s.Limit is not null
                    ? string.Create(c, $"projected ${Money(p)} by {s.End:yyyy-MM-dd HH:mm}")
                    : string.Create(c, $"projected {s.ProjectedTokens:N0} tokens by {s.End:yyyy-MM-dd HH:mm}"));
            }
        }

        return $"Budget '{s.Name}' is {s.Status}: {string.Join("; ", parts)}.";
    }

    private static string Span(BudgetStatus s) => s.Period switch
    {
        BudgetPeriod.Day => "today",
        BudgetPeriod.Week => "this week",
        BudgetPeriod.Month => "this month",
        _ => $"in the last {Window(s.Budget.Window!.Value)}",
    };

    private static string Window(TimeSpan w) =>
        w.TotalDays >= 2 && w.TotalDays % 1 == 0 ? $"{w.TotalDays:0} days"
        : w.TotalHours % 1 == 0 ? $"{w.TotalHours:0} hours"
        : $"{w.TotalMinutes:0} minutes";

    internal static string Money(decimal value) => value == 0 ? "0" :
        value.ToString(Math.Abs(value) < 10 ? "0.0000" : "0.00", CultureInfo.InvariantCulture);
}
