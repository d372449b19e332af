using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Get-OpenCodeUsage through the real engine on every real data set, against figures an independent oracle
/// computed from the raw rows: every token column exactly, cost within 1e-9, per grouping.
/// </summary>
public sealed class UsageFiguresTests
{
    public static IEnumerable<object[]> DataSetsWithUsage => DataSets.WithUsage;

    /// <summary>The OpenCode 2.x data sets (generated, and the real 2.0 preview's), against oracle_v2.py.</summary>
    public static IEnumerable<object[]> V2DataSetsWithOracle => V2DataSets.WithOracle;

    private static readonly (string Grouping, string Arguments, Func<PSObject, string> Key)[] Groupings =
    [
        ("day-utc", "-GroupBy Day -TimeZone UTC", r => ((DateTime)r.Properties["Date"].Value).ToString("yyyy-MM-dd")),
        ("day-la", "-GroupBy Day -TimeZone America/Los_Angeles", r => ((DateTime)r.Properties["Date"].Value).ToString("yyyy-MM-dd")),
        ("week-utc", "-GroupBy Week -TimeZone UTC", r => (string)r.Properties["Week"].Value),
        ("month-utc", "-GroupBy Month -TimeZone UTC", r => (string)r.Properties["Month"].Value),
        ("model", "-GroupBy Model", r => $"{r.Properties["ProviderId"].Value}/{r.Properties["ModelId"].Value}"),
        ("model-raw", "-GroupBy Model -IncludeForkCopies", r => $"{r.Properties["ProviderId"].Value}/{r.Properties["ModelId"].Value}"),
        ("provider", "-GroupBy Provider", r => (string)r.Properties["ProviderId"].Value),
        ("agent", "-GroupBy Agent", r => (string)r.Properties["Agent"].Value),
        ("project", "-GroupBy Project", r => (string)r.Properties["ProjectId"].Value),
        ("session", "-GroupBy Session", r => (string)r.Properties["SessionId"].Value),
    ];

    [Theory]
    [MemberData(nameof(DataSetsWithUsage))]
    [MemberData(nameof(V2DataSetsWithOracle))]
    public void Every_grouping_equals_the_oracle(string dataSet)
    {
        var expected = ExpectedUsage.Load(dataSet);
        var data = Path.Combine(DataSets.Folder(dataSet), "opencode");
        using var engine = new Engine();
        foreach (var (grouping, arguments, key) in Groupings)
        {
            IEnumerable<PSObject> rows = engine.Run($"Get-OpenCodeUsage -DataPath $args[0] {arguments}", data);
            Assert.Empty(engine.Errors);
            // The oracle knows project ids only; project rows come by name (GetOpenCodeUsageTests checks that order).
            if (grouping == "project")
            {
                rows = rows.OrderBy(key, StringComparer.Ordinal).ToList();
            }

            var want = expected.Where(e => e.Grouping == grouping).ToList();
            Assert.Equal(want.Select(w => w.Key), rows.Select(key));
            foreach (var (w, r) in want.Zip(rows))
            {
                AssertFigures(w, r, $"{dataSet} {grouping} {w.Key}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(DataSetsWithUsage))]
    public void Totals_equal_the_oracle_with_and_without_fork_copies(string dataSet)
    {
        var expected = ExpectedUsage.Load(dataSet);
        var data = Path.Combine(DataSets.Folder(dataSet), "opencode");
        using var engine = new Engine();
        foreach (var (grouping, switches) in new[] { ("total", ""), ("total-raw", "-IncludeForkCopies") })
        {
            var records = engine.Run($"Get-OpenCodeUsage -DataPath $args[0] -PerMessage {switches}", data);
            var want = Assert.Single(expected, e => e.Grouping == grouping);
            Assert.Equal(want.Messages, records.Count);
            Assert.Equal(want.Sessions, records.Select(r => r.Properties["SessionId"].Value).Distinct().Count());
            Assert.Equal(want.Input, records.Sum(r => (long)r.Properties["InputTokens"].Value));
            Assert.Equal(want.Output, records.Sum(r => (long)r.Properties["OutputTokens"].Value));
            Assert.Equal(want.Reasoning, records.Sum(r => (long)r.Properties["ReasoningTokens"].Value));
            Assert.Equal(want.CacheRead, records.Sum(r => (long)r.Properties["CacheReadTokens"].Value));
            Assert.Equal(want.CacheWrite, records.Sum(r => (long)r.Properties["CacheWriteTokens"].Value));
            Assert.InRange(Math.Abs(records.Sum(r => (decimal)r.Properties["Cost"].Value) - want.Cost), 0m, 1e-9m);
            Assert.Equal(grouping == "total-raw", records.Any(r => (bool)r.Properties["IsForkCopy"].Value));
        }
    }

    [Theory]
    [MemberData(nameof(V2DataSetsWithOracle))]
    public void V2_per_message_records_add_up_to_the_oracle_totals(string dataSet)
    {
        var expected = ExpectedUsage.Load(dataSet);
        var data = Path.Combine(DataSets.Folder(dataSet), "opencode");
        using var engine = new Engine();
        foreach (var (grouping, switches) in new[] { ("total", ""), ("total-raw", "-IncludeForkCopies") })
        {
            var records = engine.Run($"Get-OpenCodeUsage -DataPath $args[0] -PerMessage {switches}", data);
            Assert.Empty(engine.Errors);
            var want = Assert.Single(expected, e => e.Grouping == grouping);
            // The usage no row carries is a record too, with no message id, and is no message.
            Assert.Equal(want.Messages, records.Count(r => ((string)r.Properties["MessageId"].Value).Length > 0));
            Assert.Equal(want.Sessions, records.Select(r => r.Properties["SessionId"].Value).Distinct().Count());
            Assert.Equal(want.Input, records.Sum(r => (long)r.Properties["InputTokens"].Value));
            Assert.Equal(want.Output, records.Sum(r => (long)r.Properties["OutputTokens"].Value));
            Assert.Equal(want.Reasoning, records.Sum(r => (long)r.Properties["ReasoningTokens"].Value));
            Assert.Equal(want.CacheRead, records.Sum(r => (long)r.Properties["CacheReadTokens"].Value));
            Assert.Equal(want.CacheWrite, records.Sum(r => (long)r.Properties["CacheWriteTokens"].Value));
            Assert.InRange(Math.Abs(records.Sum(r => (decimal)r.Properties["Cost"].Value) - want.Cost), 0m, 1e-9m);
        }
    }

    [Theory]
    [MemberData(nameof(V2DataSetsWithOracle))]
    public void V2_sessions_equal_the_oracle_and_their_children_roll_up(string dataSet)
    {
        var expected = V2ExpectedSession.Load(dataSet);
        var data = Path.Combine(DataSets.Folder(dataSet), "opencode");
        using var engine = new Engine();
        var sessions = engine.Run("Get-OpenCodeSession -DataPath $args[0]", data).ToDictionary(s => (string)s.Properties["Id"].Value);
        Assert.Empty(engine.Errors);
        Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), sessions.Keys.Order(StringComparer.Ordinal));
        foreach (var e in expected)
        {
            var s = sessions[e.Id];
            Assert.InRange(Math.Abs((decimal)s.Properties["OwnCost"].Value - (decimal)e.Cost), 0m, 1e-9m);
            if (e.Generation == "v2")
            {
                Assert.Equal(e.SInput + e.SOutput + e.SReasoning + e.SCacheRead + e.SCacheWrite, (long)s.Properties["TotalTokens"].Value);
                Assert.InRange(Math.Abs((decimal)s.Properties["Cost"].Value - (decimal)e.SCost), 0m, 1e-9m);
            }

            // A parent's CostWithChildren is its own figure and its subagents', at any depth.
            var children = expected.Where(c => c.Parent == e.Id).Select(c => sessions[c.Id]).ToList();
            var withChildren = (decimal)s.Properties["Cost"].Value + children.Sum(c => (decimal)c.Properties["CostWithChildren"].Value);
            Assert.InRange(Math.Abs((decimal)s.Properties["CostWithChildren"].Value - withChildren), 0m, 1e-9m);
        }

        var roots = engine.Run("Get-OpenCodeSession -DataPath $args[0] -RootOnly", data);
        Assert.Equal(expected.Count(e => e.Parent.Length == 0), roots.Count);
        var parent = expected.FirstOrDefault(e => expected.Any(c => c.Parent == e.Id));
        if (parent is not null)
        {
            var family = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -SessionId $args[1] -IncludeChildren -GroupBy Session", data, parent.Id);
            Assert.Equal(1 + expected.Count(c => c.Parent == parent.Id), family.Count);
        }
    }

    private static void AssertFigures(ExpectedUsage want, PSObject row, string what)
    {
        Assert.True(want.Sessions == (int)row.Properties["Sessions"].Value, what + " sessions");
        Assert.True(want.Messages == (int)row.Properties["Messages"].Value, what + " messages");
        Assert.True(want.Input == (long)row.Properties["InputTokens"].Value, what + " input");
        Assert.True(want.Output == (long)row.Properties["OutputTokens"].Value, what + " output");
        Assert.True(want.Reasoning == (long)row.Properties["ReasoningTokens"].Value, what + " reasoning");
        Assert.True(want.CacheRead == (long)row.Properties["CacheReadTokens"].Value, what + " cache read");
        Assert.True(want.CacheWrite == (long)row.Properties["CacheWriteTokens"].Value, what + " cache write");
        Assert.True(want.Input + want.Output + want.Reasoning + want.CacheRead + want.CacheWrite == (long)row.Properties["TotalTokens"].Value, what + " total");
        Assert.InRange(Math.Abs((decimal)row.Properties["Cost"].Value - want.Cost), 0m, 1e-9m);
    }
}
