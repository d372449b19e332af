using OpenCodeUsage.Budgets;
using Xunit;

namespace OpenCodeUsage.Tests.Budgets;

/// <summary>Periods, burn rates and projections against a fixed clock, worked by hand.</summary>
public sealed class BudgetForecastTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public void An_ISO_week_starts_on_Monday_even_across_a_new_year()
    {
        // Friday 1 January 2027 is in ISO week 2026-W53, which began on Monday 28 December 2026.
        var (start, end) = BudgetPeriods.Around(BudgetPeriod.Week, null, new DateTimeOffset(2027, 1, 1, 12, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        Assert.Equal(new DateTimeOffset(2026, 12, 28, 0, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero), end);
    }

    [Fact]
    public void A_day_is_cut_at_the_zones_midnight_and_is_23_hours_when_clocks_go_forward()
    {
        // 29 March 2026: Berlin goes from +01:00 to +02:00 at 02:00.
        var (start, end) = BudgetPeriods.Around(BudgetPeriod.Day, null, new DateTimeOffset(2026, 3, 29, 10, 0, 0, TimeSpan.Zero), Berlin);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.FromHours(1)), start);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(2)), end);
        Assert.Equal(TimeSpan.FromHours(23), end - start);

        // 23:30 UTC on 31 January is already February in Berlin.
        var (month, next) = BudgetPeriods.Around(BudgetPeriod.Month, null, new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero), Berlin);
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.FromHours(1)), month);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1)), next);
    }

    [Fact]
    public void A_rolling_window_ends_now()
    {
        var now = new DateTimeOffset(2026, 12, 2, 18, 0, 0, TimeSpan.Zero);
        Assert.Equal((now.AddHours(-5), now), BudgetPeriods.Around(BudgetPeriod.Rolling, TimeSpan.FromHours(5), now, TimeZoneInfo.Utc));
    }

    [Fact]
    public void The_projection_carries_the_average_rate_to_the_periods_end()
    {
        var start = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddDays(1);
        var now = start.AddHours(6);
        // $3 in 6 hours is $0.50 an hour; 18 more hours make $12.
        Assert.Equal(0.5m, BudgetForecast.BurnRate(3m, now - start));
        Assert.Equal(12m, BudgetForecast.Project(3m, start, end, now, rolling: false));
        // In the first 24th of the period (an hour of a day) there is no projection.
        Assert.Null(BudgetForecast.Project(3m, start, end, start.AddMinutes(59), rolling: false));
        Assert.Equal(3m, BudgetForecast.Project(3m, start, end, start.AddHours(1), rolling: false) / 24);
        Assert.Equal(3m, BudgetForecast.Project(3m, start, end, now, rolling: true));
    }

    [Theory]
    [InlineData(3, 10, 12, BudgetState.ForecastExceeded)]
    [InlineData(3, 10, 9, BudgetState.Ok)]
    [InlineData(8, 10, 9, BudgetState.Warning)]
    [InlineData(8, 10, 11, BudgetState.ForecastExceeded)]
    [InlineData(10, 10, 10, BudgetState.Exceeded)]
    [InlineData(12, 10, 30, BudgetState.Exceeded)]
    public void The_state_is_the_most_severe_the_figures_give(double spent, double limit, double projected, BudgetState expected) =>
        Assert.Equal(expected, BudgetForecast.State(80, ((decimal)spent, (decimal)limit, (decimal)projected)));

    [Fact]
    public void Tokens_and_dollars_both_count_and_an_unknown_spend_is_Unknown()
    {
        Assert.Equal(BudgetState.Exceeded, BudgetForecast.State(80, (1m, 10m, 2m), (5000m, 1000m, null)));
        Assert.Equal(BudgetState.Unknown, BudgetForecast.State(80, (null, 10m, null), (5m, 1000m, null)));
        // A limit not given is not a measure.
        Assert.Equal(BudgetState.Ok, BudgetForecast.State(80, (null, null, null), (5m, 1000m, 6m)));
    }

    [Theory]
    [InlineData(BudgetState.Warning, BudgetState.Ok, true)]
    [InlineData(BudgetState.Exceeded, BudgetState.Warning, true)]
    [InlineData(BudgetState.Warning, BudgetState.Exceeded, false)]
    [InlineData(BudgetState.Warning, BudgetState.Warning, false)]
    [InlineData(BudgetState.Ok, BudgetState.Exceeded, false)]
    [InlineData(BudgetState.Unknown, BudgetState.Ok, true)]
    [InlineData(BudgetState.Warning, BudgetState.Unknown, true)]
    public void An_alert_is_a_change_for_the_worse(BudgetState now, BudgetState before, bool alerts) =>
        Assert.Equal(alerts, BudgetMonitor.Worse(now, before));
}
