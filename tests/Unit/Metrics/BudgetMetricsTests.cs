using OpenCodeUsage.Budgets;
using OpenCodeUsage.Metrics;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Tests.Budgets;
using Xunit;

namespace OpenCodeUsage.Tests.Metrics;

/// <summary>
/// The budget gauges of a metrics source over the real 1.18.33 data (every message on 2026-11-27, 03:17–03:30 UTC)
/// against the evaluator Test-OpenCodeBudget outputs, on the same fixed clock, and against the oracle's total.
/// </summary>
public sealed class BudgetMetricsTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private static readonly DateTimeOffset Six = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private static readonly string[] States = ["ok", "warning", "forecast_exceeded", "exceeded", "unknown"];

    private static readonly Budget[] Budgets =
    [
        new() { Name = "daily", Period = BudgetPeriod.Day, LimitUsd = 0.2m, LimitTokens = 50_000, TimeZone = "UTC" },
        new() { Name = "last \"3h\"\\", Period = BudgetPeriod.Rolling, Window = TimeSpan.FromHours(3), LimitUsd = 0.06m, TimeZone = "UTC" },
        new() { Name = "month", Period = BudgetPeriod.Month, LimitUsd = 10m, TimeZone = "UTC" },
        new() { Name = "go", Period = BudgetPeriod.Go, GoWindow = GoQuotaWindow.Weekly, GoPercent = 50, TimeZone = "UTC" },
        new() { Name = "go-monthly", Period = BudgetPeriod.Go, GoWindow = GoQuotaWindow.Monthly, GoPercent = 50, TimeZone = "UTC" },
    ];

    private int _goReads;

    private BudgetContext Context() => new()
    {
        DataPaths = [Data],
        Clock = new StoppedClock(Six),
        PricingPath = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json"),
        GoQuota = () =>
        {
            _goReads++;
            return [new GoQuota { Window = GoQuotaWindow.Weekly, PercentUsed = 40, WindowStart = Six.AddDays(-2), ResetsAt = Six.AddDays(5) }];
        },
    };

    private MetricsSource Source(params MetricLabel[] labels) => new(new MetricsQuery
    {
        DataPaths = [Data], Labels = labels.ToHashSet(), Machine = "m", Budgets = Budgets, BudgetContext = Context(),
    }, TestEnvironment.Isolated);

    [Fact]
    public void Each_budgets_gauges_are_the_evaluators_figures()
    {
        var evaluator = new BudgetEvaluator(Context(), TestEnvironment.Isolated);
        var expected = Budgets.Select(b => evaluator.Evaluate(b, new ReadDiagnostics(), CancellationToken.None)).ToList();
        var set = Source(MetricLabel.Machine).Compute(new ReadDiagnostics(), null, out _, CancellationToken.None);

        foreach (var status in expected)
        {
            string[] labels = ["m", status.Name];
            foreach (var state in Enum.GetValues<BudgetState>())
            {
                Assert.Equal(state == status.Status ? 1 : 0, set.Get(BudgetMetrics.Status, [.. labels, BudgetMetrics.StatusLabel(state)]));
            }

            Assert.Equal(status.Percent / 100, set.Get(BudgetMetrics.UsedRatio, labels));
            var local = status.Period != BudgetPeriod.Go;
            Assert.Equal(local ? status.Spent : null, set.Get(BudgetMetrics.SpentUsd, labels));
            Assert.Equal(local ? status.Limit : null, set.Get(BudgetMetrics.LimitUsd, labels));
            Assert.Equal(local ? status.Projected : null, set.Get(BudgetMetrics.ProjectedUsd, labels));
            Assert.Equal(status.TokenLimit is null ? null : status.Tokens, set.Get(BudgetMetrics.SpentTokens, labels));
            Assert.Equal(status.TokenLimit, (long?)set.Get(BudgetMetrics.LimitTokens, labels));
        }

        // By hand, as the budget tests have them: the oracle's total once, its state, and when each period ends.
        Assert.Equal(0.0646136m, set.Get(BudgetMetrics.SpentUsd, "m", "daily"));
        Assert.Equal(20182 + 286 + 48 + 3832 + 800, set.Get(BudgetMetrics.SpentTokens, "m", "daily"));
        Assert.Equal(50_000, set.Get(BudgetMetrics.LimitTokens, "m", "daily"));
        Assert.Equal(1, set.Get(BudgetMetrics.Status, "m", "daily", "forecast_exceeded"));
        Assert.Equal(1, set.Get(BudgetMetrics.Status, "m", "last \"3h\"\\", "exceeded"));
        Assert.Equal(0.0646136m, set.Get(BudgetMetrics.SpentUsd, "m", "month"));
        Assert.Equal(1, set.Get(BudgetMetrics.Status, "m", "month", "ok"));
        Assert.Equal(0.8m, set.Get(BudgetMetrics.UsedRatio, "m", "go"));
        Assert.Equal(1, set.Get(BudgetMetrics.Status, "m", "go", "forecast_exceeded")); // 40% in two days of seven
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), set.Get(BudgetMetrics.PeriodEnd, "m", "daily"));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), set.Get(BudgetMetrics.PeriodEnd, "m", "month"));
        Assert.Equal(Six.AddDays(5).ToUnixTimeSeconds(), set.Get(BudgetMetrics.PeriodEnd, "m", "go"));
        // A rolling window has no end; a Go window OpenCode did not report is Unknown, with neither a ratio nor an end.
        Assert.Null(set.Get(BudgetMetrics.PeriodEnd, "m", "last \"3h\"\\"));
        Assert.Equal(1, set.Get(BudgetMetrics.Status, "m", "go-monthly", "unknown"));
        Assert.Null(set.Get(BudgetMetrics.UsedRatio, "m", "go-monthly"));
        Assert.Null(set.Get(BudgetMetrics.PeriodEnd, "m", "go-monthly"));
        Assert.Null(set.Get(BudgetMetrics.SpentUsd, "m", "go"));
    }

    [Fact]
    public void The_text_escapes_the_budget_label_keeps_machine_only_when_asked_and_reads_go_once_a_minute()
    {
        var source = Source();
        for (var scrape = 0; scrape < 3; scrape++)
        {
            var text = source.Compute(new ReadDiagnostics(), null, out _, CancellationToken.None).ToText();
            Assert.Contains("opencode_budget_spent_usd{budget=\"last \\\"3h\\\"\\\\\"} 0.0646136\n", text, StringComparison.Ordinal);
            Assert.Contains("# TYPE opencode_budget_status gauge\n", text, StringComparison.Ordinal);
            Assert.Equal(Budgets.Length * States.Length, text.Split('\n').Count(l => l.StartsWith(BudgetMetrics.Status + "{", StringComparison.Ordinal)));
            Assert.DoesNotContain("machine=", text, StringComparison.Ordinal);
        }

        // The evaluator (and its Go reading) lives across scrapes: one read within GoQuotaEvery, for both Go budgets.
        Assert.Equal(1, _goReads);
    }
}
