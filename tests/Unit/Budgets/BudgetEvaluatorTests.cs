using OpenCodeUsage.Budgets;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Budgets;

/// <summary>
/// Budgets on the real 1.18.33 data set (made by the real CLI with the mock LLM) against the independent oracle's
/// figures (tests/data/oc-1.18.33/expected*.tsv): every message falls on 2026-11-27 between 03:17 and 03:30 UTC.
/// </summary>
public sealed class BudgetEvaluatorTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private static readonly DateTimeOffset Six = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    private static BudgetStatus Evaluate(Budget budget, DateTimeOffset now, ReadDiagnostics? diagnostics = null, Func<IReadOnlyList<GoQuota>>? go = null) =>
        new BudgetEvaluator(new BudgetContext
        {
            DataPaths = [Data],
            Clock = new StoppedClock(now),
            PricingPath = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json"),
            GoQuota = go,
        }, TestEnvironment.Isolated).Evaluate(budget, diagnostics ?? new ReadDiagnostics(), CancellationToken.None);

    private static Budget Daily(decimal limit) => new() { Name = "daily", Period = BudgetPeriod.Day, LimitUsd = limit, TimeZone = "UTC" };

    [Fact]
    public void A_day_budget_spends_the_oracles_total_with_the_fork_copies_once_and_forecasts_by_hand()
    {
        var status = Evaluate(Daily(0.2m), Six);
        Assert.Equal(0.0646136m, status.Spent); // the oracle's total; 0.0752761 with the fork's copies again
        Assert.Equal(10, status.Messages);
        Assert.Equal(20182 + 286 + 48 + 3832 + 800, status.Tokens);
        Assert.Equal(TimeSpan.FromHours(18), status.TimeLeft);
        Assert.Equal(Math.Round(0.0646136m / 6, 6), status.BurnRate);
        Assert.Equal(Math.Round(0.0646136m * 4, 6), status.Projected); // six hours' spend, four times over the day
        Assert.Equal(BudgetState.ForecastExceeded, status.Status);
        Assert.Equal(32.31m, status.Percent);
        Assert.Equal("Budget 'daily' is ForecastExceeded: $0.0646 of $0.2000 (32.3%) today; projected $0.2585 by 2026-11-28 00:00.", status.Message);

        Assert.Equal(BudgetState.Ok, Evaluate(Daily(0.5m), Six).Status);
        Assert.Equal(BudgetState.Exceeded, Evaluate(Daily(0.06m), Six).Status);
        // Ten minutes before the first message nothing is spent and, that early in the day, nothing projected.
        var early = Evaluate(Daily(0.06m), new DateTimeOffset(2026, 11, 27, 0, 50, 0, TimeSpan.Zero));
        Assert.Equal((0m, null, BudgetState.Ok), (early.Spent, early.Projected, early.Status));
    }

    [Fact]
    public void A_fixed_clock_counts_only_what_was_written_before_it()
    {
        var records = new List<UsageRecord>();
        OpenCodeUsage.Usage.UsageReport.Stream(new OpenCodeUsage.Usage.UsageQuery { DataPaths = [Data] }, TestEnvironment.Isolated, new ReadDiagnostics(), null, records.Add, CancellationToken.None);
        var byTime = records.OrderBy(r => r.Time).ToList();
        var middle = byTime[4].Time;
        Assert.True(byTime[3].Time < middle);
        var status = Evaluate(Daily(1m), middle);
        Assert.Equal(4, status.Messages);
        Assert.Equal(byTime.Take(4).Sum(r => r.Cost), status.Spent);
    }

    [Fact]
    public void Each_scope_is_its_filter_and_a_session_brings_its_subagents()
    {
        Budget Scoped(Action<Budget> set)
        {
            var b = Daily(1m);
            set(b);
            return b;
        }

        Assert.Equal(0.0279318m, Evaluate(Scoped(b => b.Model = ["mock-smart"]), Six).Spent);
        Assert.Equal(0.0082860m, Evaluate(Scoped(b => b.Provider = ["mockant"]), Six).Spent);
        Assert.Equal(0.0078210m, Evaluate(Scoped(b => b.Agent = ["general"]), Six).Spent);
        Assert.Equal(0.0362178m, Evaluate(Scoped(b => b.Project = ["0402f5849eca81d9f6c4e75a980f7a262a9b4447"]), Six).Spent);
        // The session that spawned a subagent: its two messages and the child's one.
        var parent = Evaluate(Scoped(b => b.SessionId = ["ses_de4fdbccaffeS20mj9nrx7JXcB"]), Six);
        Assert.Equal((0.0122598m + 0.0078210m, 3), (parent.Spent, parent.Messages));
        // The fork: its own one message, not the history it copied.
        Assert.Equal(0.0014673m, Evaluate(Scoped(b => b.SessionId = ["ses_de4fd7fc7ffedOpbwjEeWhKB6Y"]), Six).Spent);
        // A session id that names none is reported, and spends nothing.
        var diagnostics = new ReadDiagnostics();
        Assert.Equal(0m, Evaluate(Scoped(b => b.SessionId = ["ses_nothing"]), Six, diagnostics).Spent);
        Assert.Contains(diagnostics.Failures, f => f.ErrorId == "SessionNotFound");
    }

    [Fact]
    public void Weeks_months_zones_and_rolling_windows_cut_where_they_should()
    {
        var week = new Budget { Name = "w", Period = BudgetPeriod.Week, LimitUsd = 1m, TimeZone = "UTC" };
        Assert.Equal(0.0646136m, Evaluate(week, new DateTimeOffset(2026, 11, 29, 23, 0, 0, TimeSpan.Zero)).Spent); // Sunday: still 2026-W48
        Assert.Equal(0m, Evaluate(week, new DateTimeOffset(2026, 11, 30, 1, 0, 0, TimeSpan.Zero)).Spent); // Monday: W49
        var month = new Budget { Name = "m", Period = BudgetPeriod.Month, LimitUsd = 1m, TimeZone = "UTC" };
        Assert.Equal(0.0646136m, Evaluate(month, new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero)).Spent);
        // In Los Angeles the messages fell on 26 November (the oracle's day-la).
        var la = new Budget { Name = "la", Period = BudgetPeriod.Day, LimitUsd = 1m, TimeZone = "America/Los_Angeles" };
        Assert.Equal(0.0646136m, Evaluate(la, new DateTimeOffset(2026, 11, 27, 7, 0, 0, TimeSpan.Zero)).Spent); // 23:00 on the 26th there
        Assert.Equal(0m, Evaluate(la, new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero)).Spent);
        var rolling = new Budget { Name = "r", Period = BudgetPeriod.Rolling, Window = TimeSpan.FromHours(1), LimitTokens = 100_000 };
        Assert.Equal(25148, Evaluate(rolling, new DateTimeOffset(2026, 11, 27, 4, 0, 0, TimeSpan.Zero)).Tokens);
        Assert.Equal(0, Evaluate(rolling, new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero)).Tokens);
    }

    [Fact]
    public void An_estimated_budget_prices_from_the_catalogue_and_is_Unknown_without_one()
    {
        var estimated = Daily(1m);
        estimated.Spend = BudgetSpend.Estimated;
        Assert.InRange(Math.Abs(Evaluate(estimated, Six).Spent!.Value - 0.0646136m), 0m, 1e-9m);
        var noPrices = Path.Combine(Directory.CreateTempSubdirectory("ocu-budget-").FullName, "models.json");
        File.WriteAllText(noPrices, "{}");
        var unpriced = new BudgetEvaluator(new BudgetContext { DataPaths = [Data], Clock = new StoppedClock(Six), PricingPath = noPrices },
            TestEnvironment.Isolated).Evaluate(new Budget { Name = "e", Period = BudgetPeriod.Day, LimitUsd = 1m, Spend = BudgetSpend.Estimated, TimeZone = "UTC", Provider = ["mockant"] }, new ReadDiagnostics(), CancellationToken.None);
        Assert.Equal((BudgetState.Unknown, null), (unpriced.Status, unpriced.Spent));
        Assert.StartsWith("Budget 'e' is Unknown: a model used in the period has no known price", unpriced.Message);
        Directory.Delete(Path.GetDirectoryName(noPrices)!, recursive: true);
    }

    [Fact]
    public void A_Go_budget_sets_the_windows_percent_against_its_own_and_projects_to_the_reset()
    {
        var now = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        IReadOnlyList<GoQuota> Quota() =>
        [
            new GoQuota { Window = GoQuotaWindow.Weekly, PercentUsed = 40, WindowStart = now.AddDays(-2), ResetsAt = now.AddDays(5) },
        ];
        var go = new Budget { Name = "go", Period = BudgetPeriod.Go, GoWindow = GoQuotaWindow.Weekly, GoPercent = 90, TimeZone = "UTC" };
        var status = Evaluate(go, now, go: Quota);
        // 40% in two days is 20% a day; five more days make 140%.
        Assert.Equal(("%", 40m, 90m, 140m), (status.Unit, status.Spent, status.Limit, status.Projected));
        Assert.Equal(BudgetState.ForecastExceeded, status.Status);
        Assert.Equal(Math.Round(40m / 48, 6), status.BurnRate);

        go.GoWindow = GoQuotaWindow.Monthly;
        var missing = Evaluate(go, now, go: Quota);
        Assert.Equal(BudgetState.Unknown, missing.Status);
        Assert.Contains("did not report the Monthly", missing.Message);
        var failing = Evaluate(go, now, go: () => throw new OpenCodeUsageException("GoAuthFailed", FailureKind.AuthenticationFailed, "OpenCode rejected the API key."));
        Assert.Equal("Budget 'go' is Unknown: OpenCode rejected the API key.", failing.Message);
    }

    [Theory]
    [InlineData(null, 1, null, "needs a Name")]
    [InlineData("x", null, null, "give LimitUsd, LimitTokens or both")]
    [InlineData("x", 1, "Rolling", "needs a Window")]
    [InlineData("x", -1, null, "cannot be negative")]
    public void A_budget_that_cannot_be_evaluated_says_why(string? name, int? limit, string? period, string why)
    {
        var budget = new Budget { Name = name ?? "", LimitUsd = limit, Period = period is null ? BudgetPeriod.Day : Enum.Parse<BudgetPeriod>(period) };
        var ex = Assert.Throws<OpenCodeUsageException>(() => BudgetRules.Check(budget));
        Assert.Equal("BudgetInvalid", ex.ErrorId);
        Assert.Contains(why, ex.Message);
    }
}

internal sealed class StoppedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
