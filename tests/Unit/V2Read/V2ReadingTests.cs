using Microsoft.Data.Sqlite;
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
            // Projects come ordered by name; the oracle knows only their ids.
            if (grouping == "project")
            {
                want = want.OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
                rows = rows.OrderBy(r => r.ProjectId, StringComparer.Ordinal).ToList();
            }

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

    [Theory]
    [InlineData("v2/native")]
    [InlineData("v2/upgraded-columns")]
    [InlineData("v2/migrated")]
    public void Every_session_property_comes_from_session_v2(string dataSet)
    {
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = [V2DataSets.DataDir(dataSet)], NoCache = true },
            TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None).ToDictionary(s => s.Id);
        using var connection = new SqliteConnection($"Data Source={new Uri(V2DataSets.Database(dataSet)).AbsoluteUri}?immutable=1;Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, title, project_id, directory, parent_id, fork_session_id, agent, json_extract(model, '$.providerID'),
                   json_extract(model, '$.id'), time_archived, time_idle, idle_outcome, version, time_created FROM session_v2
            """;
        using var reader = command.ExecuteReader();
        var seen = 0;
        var idle = 0;
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            DateTimeOffset? Time(int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
            var s = sessions[reader.GetString(0)];
            Assert.Equal(Text(1), s.Title);
            Assert.Equal(Text(2), s.ProjectId);
            Assert.Equal(Text(3), s.Directory);
            Assert.Equal(Text(4), s.ParentId);
            if (Text(5) is { } forkOf)
            {
                Assert.Equal(forkOf, s.ForkOfId);
            }

            Assert.Equal(Text(6), s.Agent);
            Assert.Equal(Text(12), s.Version);
            Assert.Equal(Time(13), s.Created);
            Assert.Equal(Time(9), s.Archived);
            Assert.Equal(Time(10), s.Idle);
            Assert.Equal(Text(11), s.IdleOutcome);
            idle += s.Idle is null ? 0 : 1;
            // The model the session last used: its newest step's, which 2.x also writes to the session row.
            Assert.NotNull(s.ModelId);
            seen++;
        }

        Assert.True(seen > 0);
        if (dataSet != "v2/migrated")
        {
            Assert.True(idle > 0, "the data set has idle sessions");
            Assert.Contains(sessions.Values, s => s.Archived is not null);
            Assert.Contains(sessions.Values, s => s.ForkOfId is not null);
        }
    }
}

/// <summary>The generation of each database, told from its tables and rows.</summary>
public sealed class StorageGenerationTests
{
    [Theory]
    [InlineData("v2/native", "V2")]
    [InlineData("v2/upgraded-columns", "V2")]
    [InlineData("v2/preview-shape", "V2Preview")]
    [InlineData("v2/preview-1.18.18", "V2Preview")]
    [InlineData("v2/migrated", "Migrated")]
    [InlineData("oc-1.18.33", "V1")]
    [InlineData("oc-1.15.13", "V1")]
    public void Is_told_from_tables_and_rows(string dataSet, string expected)
    {
        using var data = new TempDataSet(dataSet);
        using var store = SqliteStore.Open(new StoreRef(data.DataDir, data.Database, false, 0));
        Assert.Equal(expected, store.Generation.ToString());
    }
}
