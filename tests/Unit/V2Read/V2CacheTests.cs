using Microsoft.Data.Sqlite;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>On 2.x databases, after each change 2.x makes, the cached answer equals the uncached one.</summary>
public sealed class V2CacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-v2cache-").FullName;

    public V2CacheTests()
    {
        OpenCodeV2Data.DataSets.Write("native", DataDir);
    }

    private string DataDir => Path.Combine(_root, "opencode");

    private string Database => Path.Combine(DataDir, "opencode.db");

    private string? Environment(string name) => name == "OPENCODEUSAGE_CACHE_DIR" ? Path.Combine(_root, "cache") : null;

    public void Dispose()
    {
        DigestCache.Shared(Environment).Flush();
        // The saved reports are written in the background too: a save still creating its file would race the delete.
        SavedReports.Flush();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    private string Report(bool noCache)
    {
        var usage = UsageReport.Summarize(
            new UsageQuery { DataPaths = [DataDir], GroupBy = [UsageGrouping.Session, UsageGrouping.Model], TimeZone = TimeZoneInfo.Utc, NoCache = noCache },
            Environment, new ReadDiagnostics(), null, CancellationToken.None);
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = [DataDir], NoCache = noCache }, Environment, new ReadDiagnostics(), null, CancellationToken.None);
        return string.Join("\n", usage.Select(u => $"{u.Group}|{u.Messages}|{u.InputTokens}|{u.OutputTokens}|{u.ReasoningTokens}|{u.CacheReadTokens}|{u.CacheWriteTokens}|{u.Cost}"))
               + "\n--\n" + string.Join("\n", sessions.Select(s => $"{s.Id}|{s.MessageCount}|{s.AssistantMessageCount}|{s.TotalTokens}|{s.Cost}|{s.OwnCost}|{s.ForkOfId}|{s.Idle}|{s.IdleOutcome}"));
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long InputOf(string sessionId) =>
        SessionReader.Read(new SessionQuery { DataPaths = [DataDir] }, Environment, new ReadDiagnostics(), null, CancellationToken.None)
            .Single(s => s.Id == sessionId).InputTokens;

    [Fact]
    public void A_step_finished_in_place_is_counted_once_it_finishes()
    {
        var streaming = V2ExpectedSession.Load("v2/native").Single(s => s.Title == "Explain the build").Id;
        var before = InputOf(streaming);
        Report(noCache: false);

        V2Edits.FinishStreamingStep(Database, new Tokens(1250, 80, 0, 1000, 0), NativeScenario.T(4, 8, 6));

        Assert.Equal(Report(noCache: true), Report(noCache: false));
        Assert.Equal(before + 1250, InputOf(streaming));
    }

    [Fact]
    public void A_step_rewritten_in_place_with_nothing_else_moving_is_read_again()
    {
        // Only the row changes: not session_v2, not event_sequence. The step was still streaming when read, so it is read again.
        Report(noCache: false);
        Execute("""
            UPDATE session_message SET data = json_set(data, '$.tokens', json('{"input":7,"output":3,"reasoning":0,"cache":{"read":0,"write":0}}'), '$.finish', 'stop', '$.cost', 0.5)
            WHERE type = 'assistant' AND json_extract(data, '$.tokens') IS NULL
            """);
        Assert.Equal(Report(noCache: true), Report(noCache: false));
        var records = new List<UsageRecord>();
        UsageReport.Stream(new UsageQuery { DataPaths = [DataDir], TimeZone = TimeZoneInfo.Utc }, Environment, new ReadDiagnostics(), null,
            records.Add, CancellationToken.None);
        Assert.Single(records, r => r is { InputTokens: 7, OutputTokens: 3, Cost: 0.5m });
    }

    [Fact]
    public void Rows_a_revert_deletes_leave_the_session_totals_and_the_cache_sees_them_go()
    {
        var session = V2ExpectedSession.Load("v2/native").Single(s => s.Title == "Migration plan");
        Report(noCache: false);
        string first;
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False;Mode=ReadOnly"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT id FROM session_message WHERE session_id = '{session.Id}' AND type = 'assistant' ORDER BY seq LIMIT 1";
            first = (string)command.ExecuteScalar()!;
        }

        V2Edits.Revert(Database, session.Id, first, NativeScenario.T(3, 1, 0));

        Assert.Equal(Report(noCache: true), Report(noCache: false));
        // The money was spent: the session's figure is OpenCode's own total, which keeps it.
        Assert.Equal(session.SInput, InputOf(session.Id));
    }

    [Fact]
    public void A_row_deleted_without_any_other_trace_is_seen()
    {
        Report(noCache: false);
        Execute("DELETE FROM session_message WHERE rowid = (SELECT max(rowid) FROM session_message WHERE type = 'assistant' AND json_extract(data, '$.tokens') IS NOT NULL)");
        Assert.Equal(Report(noCache: true), Report(noCache: false));
    }
}

/// <summary>The memo key of a usage question is made in Core from all of it.</summary>
public sealed class UsageQueryKeyTests
{
    private static object ValueFor(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) switch
        {
            var t when t == typeof(string) => "x",
            var t when t == typeof(bool) => true,
            var t when t == typeof(DateTimeOffset) => new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero),
            var t when t == typeof(TimeZoneInfo) => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneInfo.Local.Id == "Asia/Tokyo" ? "UTC" : "Asia/Tokyo"),
            var t when t == typeof(TextFilter) => new TextFilter(["x*"], _ => true, "wildcard"),
            var t when t == typeof(IReadOnlyList<string>) => new[] { "/x" },
            var t when t == typeof(IReadOnlyList<UsageGrouping>) => new[] { UsageGrouping.Model },
            var t => throw new Xunit.Sdk.XunitException($"UsageQuery has a property of type {t.Name}: give this test a value for it"),
        };

    [Fact]
    public void Every_property_of_the_query_changes_its_key()
    {
        var plain = new UsageQuery();
        var properties = typeof(UsageQuery).GetProperties().Where(p => !p.IsDefined(typeof(NotInKeyAttribute), false)).ToList();
        Assert.NotEmpty(properties);
        foreach (var property in properties)
        {
            var changed = plain with { };
            property.SetValue(changed, ValueFor(property.PropertyType));
            Assert.True(plain.Key != changed.Key, $"UsageQuery.{property.Name} is not in its memo key");
        }
    }

    [Fact]
    public void Equal_questions_have_equal_keys()
    {
        var a = new UsageQuery { ModelFilter = new TextFilter(["claude*"], _ => true, "wildcard"), TimeZone = TimeZoneInfo.Utc };
        var b = new UsageQuery { ModelFilter = new TextFilter(["claude*"], _ => false, "wildcard"), TimeZone = TimeZoneInfo.Utc };
        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, (a with { ModelFilter = new TextFilter(["claude*"], _ => true, "exact") }).Key);
    }
}
