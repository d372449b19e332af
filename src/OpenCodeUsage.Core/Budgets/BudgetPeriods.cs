using System.Globalization;

namespace OpenCodeUsage.Budgets;

/// <summary>Where a budget's period begins and ends around a moment, in the budget's zone.</summary>
public static class BudgetPeriods
{
    /// <summary>Day, ISO week or month containing <paramref name="now"/>; for Rolling, the window up to now.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Around(BudgetPeriod period, TimeSpan? window, DateTimeOffset now, TimeZoneInfo zone)
    {
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        return period switch
        {
            BudgetPeriod.Day => (Midnight(today, zone), Midnight(today.AddDays(1), zone)),
            BudgetPeriod.Week => WeekOf(today, zone),
            BudgetPeriod.Month => (Midnight(new DateTime(today.Year, today.Month, 1), zone), Midnight(new DateTime(today.Year, today.Month, 1).AddMonths(1), zone)),
            BudgetPeriod.Rolling => (now - (window ?? throw new ArgumentException("A Rolling budget needs a Window.", nameof(window))), now),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "A Go budget's window comes from OpenCode."),
        };
    }

    private static (DateTimeOffset, DateTimeOffset) WeekOf(DateTime day, TimeZoneInfo zone)
    {
        var monday = ISOWeek.ToDateTime(ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day), DayOfWeek.Monday);
        return (Midnight(monday, zone), Midnight(monday.AddDays(7), zone));
    }

    /// <summary>
    /// Midnight of a local date as an instant. Where a clock change skips midnight (some zones spring forward at
    /// 00:00), the day begins at the first minute that exists.
    /// </summary>
    internal static DateTimeOffset Midnight(DateTime date, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date.Date, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
