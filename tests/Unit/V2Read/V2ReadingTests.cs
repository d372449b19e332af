using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Get-OpenCodeUsage's and Get-OpenCodeSession's core on the 2.x data sets, against oracle_v2.py's figures.</summary>
public sealed class V2ReadingTests
{
    public static IEnumerable<object[]> WithOracle => V2DataSets.WithOracle;

    private static readonly (string Grouping, UsageGrouping[] By, string Zone, bool Raw)[] Groupings =
    [
        ("day-utc", [UsageGrouping.Day], "UTC", false),
        ("day-la", [UsageGrouping.Day], "America/Los_Angeles", false),
        ("week-utc", [UsageGrouping.Week], "UTC", false),
        ("month-utc", [UsageGrouping.Month], "UTC", false),
        ("model", [UsageGrouping.Model], "UTC", false),
        ("model-raw", [UsageGrouping.Model], "UTC", true),
        ("provider", [UsageGrouping.Provider], "UTC", false),
        ("agent", [UsageGrouping.Agent], "UTC", false),
        ("project", [UsageGrouping.Project], "UTC", false),
        ("session", [UsageGrouping.Session], "UTC", false),
    ];

    private static string KeyOf(string grouping, UsageSummary r) => grouping switch
    {
        "day-utc" or "day-la" => r.Date!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        "week-utc" => r.Week!,
        "month-utc" => r.Month!,
        "model" or "model-raw" => $"{r.ProviderId}/{r.ModelId}",
        "provider" => r.ProviderId!,
        "agent" => r.Agent!,
        "project" => r.ProjectId!,
        _ => r.SessionId!,
    };

    [Theory]
    [MemberData(nameof(WithOracle))]
    public void Every_grouping_equals_the_oracle(string dataSet)
    {
        var expected = ExpectedUsage.Load(dataSet);
        foreach (var (grouping, by, zone, raw) in Groupings)
        {
            var want = expected.Where(e => e.Grouping == grouping).ToList();
            if (want.Count == 0)
            {
                continue;
            }

            var diagnostics = new ReadDiagnostics();
            var rows = UsageReport.Summarize(new UsageQuery
            {
                DataPaths = [V2DataSets.DataDir(dataSet)], GroupBy = by, TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone),
                IncludeForkCopies = raw, NoCache = true,
            }, TestEnvironment.Isolated, diagnostics, null, CancellationToken.None);
            Assert.Empty(diagnostics.Failures);
            Assert.Equal(want.Select(w => w.Key), rows.Select(r => KeyOf(grouping, r)));
            foreach (var (w, r) in want.Zip(rows))
            {
                var what = $"{dataSet} {grouping} {w.Key}";
                Assert.True(w.Sessions == r.Sessions, what + " sessions");
                Assert.True(w.Messages == r.Messages, what + " messages");
                Assert.True(w.Input == r.InputTokens, what + " input");
                Assert.True(w.Output == r.OutputTokens, what + " output");
                Assert.True(w.Reasoning == r.ReasoningTokens, what + " reasoning");
                Assert.True(w.CacheRead == r.CacheReadTokens, what + " cache read");
                Assert.True(w.CacheWrite == r.CacheWriteTokens, what + " cache write");
                Assert.True(Math.Abs(r.Cost - w.Cost) <= 1e-9m, $"{what} cost {r.Cost} != {w.Cost}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WithOracle))]
    public void Every_session_equals_the_oracle_and_a_native_one_its_own_columns(string dataSet)
    {
        var diagnostics = new ReadDiagnostics();
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = [V2DataSets.DataDir(dataSet)], NoCache = true },
            TestEnvironment.Isolated, diagnostics, null, CancellationToken.None).ToDictionary(s => s.Id);
        Assert.Empty(diagnostics.Failures);
        var expected = V2ExpectedSession.Load(dataSet);
        Assert.Equal(expected.Select(e => e.Id).Order(StringComparer.Ordinal), sessions.Keys.Order(StringComparer.Ordinal));
        foreach (var e in expected)
        {
            var s = sessions[e.Id];
            Assert.Equal(e.Title, s.Title ?? string.Empty);
            Assert.Equal(e.Parent, s.ParentId ?? string.Empty);
            Assert.Equal(e.Project, s.ProjectId ?? string.Empty);
            if (e.ForkOf.Length > 0)
            {
                Assert.Equal(e.ForkOf, s.ForkOfId);
            }

            Assert.True(Math.Abs(s.OwnCost - (decimal)e.Cost) <= 1e-9m, $"{e.Id} own cost {s.OwnCost} != {e.Cost}");
            if (e.Generation == "v2")
            {
                // OpenCode's own session_v2 columns, usage no row carries included, a fork's copies not.
                Assert.Equal((e.SInput, e.SOutput, e.SReasoning, e.SCacheRead, e.SCacheWrite),
                    (s.InputTokens, s.OutputTokens, s.ReasoningTokens, s.CacheReadTokens, s.CacheWriteTokens));
                Assert.True(Math.Abs(s.Cost - (decimal)e.SCost) <= 1e-9m, $"{e.Id} cost {s.Cost} != {e.SCost}");
                Assert.Equal((e.Input, e.Output, e.Reasoning, e.CacheRead, e.CacheWrite),
                    (s.InputTokens, s.OutputTokens, s.ReasoningTokens, s.CacheReadTokens, s.CacheWriteTokens));
                Assert.Equal(e.Messages, s.AssistantMessageCount);
            }
        }
    }
}
