using System.Globalization;
using OpenCodeUsage.Metrics;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Metrics;

/// <summary>
/// The usage metrics of a real data dir (oc-1.18.33) against the independent oracle's figures (tests/data/oracle.py,
/// expected-usage.tsv), label set by label set: a label left out is summed over, and fork copies count once.
/// </summary>
public sealed class UsageMetricsTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    private static readonly string[] Kinds = ["input", "output", "reasoning", "cache_read", "cache_write"];

    /// <summary>The oracle's rows of one grouping: key, messages, the five token kinds and cost.</summary>
    private static Dictionary<string, (long Messages, long[] Tokens, decimal Cost)> Oracle(string grouping) =>
        File.ReadLines(Path.Combine(RepoPaths.TestData, "oc-1.18.33", "expected-usage.tsv")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f[0] == grouping)
            .ToDictionary(f => f[1], f => (long.Parse(f[3], CultureInfo.InvariantCulture),
                f[4..9].Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray(), decimal.Parse(f[9], CultureInfo.InvariantCulture)));

    private static MetricSet Compute(params MetricLabel[] labels) => UsageMetrics.Compute(
        new MetricsQuery { DataPaths = [Data], Labels = labels.ToHashSet(), Machine = "m" }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);

    private static void AssertRow(MetricSet set, (long Messages, long[] Tokens, decimal Cost) expected, params string[] labels)
    {
        for (var k = 0; k < Kinds.Length; k++)
        {
            Assert.Equal(expected.Tokens[k], set.Get(UsageMetrics.Tokens, [.. labels, Kinds[k]]));
        }

        Assert.Equal(expected.Messages, set.Get(UsageMetrics.Messages, labels));
        Assert.Equal(expected.Cost, set.Get(UsageMetrics.Cost, labels));
    }

    [Fact]
    public void By_provider_and_model_the_figures_are_the_oracles()
    {
        var set = Compute(MetricLabel.Model, MetricLabel.Provider, MetricLabel.Machine);
        var oracle = Oracle("model");
        Assert.Equal(4, oracle.Count);
        foreach (var (key, row) in oracle)
        {
            var (provider, model) = (key.Split('/')[0], key.Split('/')[1]);
            AssertRow(set, row, "m", provider, model);
        }
    }

    [Fact]
    public void Each_label_left_out_is_summed_over()
    {
        foreach (var (key, row) in Oracle("provider"))
        {
            AssertRow(Compute(MetricLabel.Provider), row, key);
        }

        foreach (var (key, row) in Oracle("agent"))
        {
            AssertRow(Compute(MetricLabel.Agent), row, key);
        }

        // No label at all: one series per metric, the oracle's total (fork copies once; total-raw would count them).
        var total = Compute();
        AssertRow(total, Oracle("total")["all"]);
        Assert.NotEqual(Oracle("total-raw")["all"].Tokens[0], total.Get(UsageMetrics.Tokens, "input"));
        Assert.DoesNotContain("machine=", total.ToText(), StringComparison.Ordinal);

        // By project: two series whose sums are the total.
        var byProject = Compute(MetricLabel.Project).ToText();
        Assert.Equal(2, byProject.Split('\n').Count(l => l.StartsWith(UsageMetrics.Cost + "{", StringComparison.Ordinal)));
    }

    [Fact]
    public void Sessions_count_by_status_and_an_estimate_is_left_out_where_a_price_is_missing()
    {
        var set = Compute(MetricLabel.Machine);
        Assert.Equal(8, set.Get(UsageMetrics.SessionCount, "m", "open"));
        Assert.Equal(0, set.Get(UsageMetrics.SessionCount, "m", "archived"));
        // No prices in the isolated environment: no estimate rather than a partial one.
        Assert.DoesNotContain(UsageMetrics.EstimatedCost + "{", set.ToText(), StringComparison.Ordinal);

        var priced = UsageMetrics.Compute(new MetricsQuery
        {
            DataPaths = [Data], Labels = new HashSet<MetricLabel> { MetricLabel.Machine }, Machine = "m",
            PricingPath = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json"),
        }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);
        Assert.True(priced.Get(UsageMetrics.EstimatedCost, "m") > 0);
    }

    [Fact]
    public void The_go_quota_is_a_ratio_with_its_reset_time_and_rate_limit()
    {
        var set = new MetricSet();
        var resets = DateTimeOffset.Parse("2026-11-27T15:00:00Z", CultureInfo.InvariantCulture);
        GoMetrics.Add(set, [
            new GoQuota { Window = GoQuotaWindow.Rolling, PercentUsed = 42.5m, ResetsAt = resets },
            new GoQuota { Window = GoQuotaWindow.Monthly, PercentUsed = 100, Status = GoQuotaStatus.RateLimited },
        ], null);
        Assert.Equal(0.425m, set.Get(GoMetrics.UsedRatio, "rolling"));
        Assert.Equal(resets.ToUnixTimeSeconds(), set.Get(GoMetrics.ResetsAt, "rolling"));
        Assert.Null(set.Get(GoMetrics.ResetsAt, "monthly"));
        Assert.Equal(0, set.Get(GoMetrics.RateLimited, "rolling"));
        Assert.Equal(1, set.Get(GoMetrics.RateLimited, "monthly"));
    }
}
