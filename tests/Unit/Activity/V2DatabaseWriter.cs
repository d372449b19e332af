using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// Writes a 2.x database the way OpenCode 2.x does (row shapes of the SDK's SessionMessage* types, columns of the
/// upstream DDL in tests/data/v2/schema): one WAL connection; a session_v2 row; a user row; an assistant row per
/// step, inserted at step start without tokens, rewritten in place while it streams (its tools in content[]), and
/// stamped with finish, cost and tokens at step end, in the same transaction that adds them to session_v2's totals;
/// usage no row carries (a title) only moves those totals.
/// </summary>
internal sealed class V2DatabaseWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private int _counter;

    public V2DatabaseWriter(string database)
    {
        _connection = new SqliteConnection($"Data Source={database};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        ProjectId = Scalar("SELECT id FROM project LIMIT 1");
    }

    private const string Model = """{"id":"claude-mock-sonnet","providerID":"mockant"}""";

    public string ProjectId { get; }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private string Id(string prefix) => $"{prefix}_zz{Interlocked.Increment(ref _counter):D6}{Guid.NewGuid():N}"[..30];

    public string NewSession(string title, string? parentId = null)
    {
        var id = Id("ses");
        var now = Now;
        var parent = parentId is null ? "NULL" : $"'{parentId}'";
        Execute($"""
            INSERT INTO session_v2 (id, project_id, parent_id, slug, directory, title, version, agent, model, time_created, time_updated)
            VALUES ('{id}', '{ProjectId}', {parent}, 'slug', '/home/dev/projects/alpha', '{title}', '2.0.18', 'build',
                    '{Model}', {now}, {now})
            """);
        return id;
    }

    /// <summary>A fork as 2.x makes it: a new session_v2 row (totals 0) and the source's rows copied with new ids, the same seq, time_created and data.</summary>
    public string Fork(string sourceId)
    {
        var id = Id("ses");
        var now = Now;
        Execute($"""
            INSERT INTO session_v2 (id, project_id, fork_session_id, fork_boundary, slug, directory, title, version, agent, model, time_created, time_updated)
            SELECT '{id}', project_id, id, '{"{"}"type":"message","messageID":"x"{"}"}', slug, directory, title || ' (fork)', version, agent, model, {now}, {now}
            FROM session_v2 WHERE id = '{sourceId}';
            INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
            SELECT 'msg_fork_' || seq || '_{id[^8..]}', '{id}', type, seq, time_created, time_updated, data FROM session_message WHERE session_id = '{sourceId}';
            """);
        return id;
    }

    public string Prompt(string sessionId, string text) =>
        Row(sessionId, "user", "{\"time\":{\"created\":" + Now + "},\"text\":\"" + text + "\"}");

    /// <summary>A step begins: the assistant row, no tokens, no finish.</summary>
    public string StepStarted(string sessionId) =>
        Row(sessionId, "assistant", Assistant(Now, "[]", null));

    /// <summary>The step streams: its row is rewritten with a tool call in the given state.</summary>
    public void Streaming(string sessionId, string stepId, long created, string callId, string tool, string status)
    {
        var done = status is "completed" or "error" ? $",\"completed\":{Now}" : string.Empty;
        var state = status == "error" ? """{"status":"error","input":{},"error":{"type":"unknown","message":"denied"}}"""
            : "{\"status\":\"" + status + "\",\"input\":{\"command\":\"npm test\"},\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"structured\":{}}";
        Update(stepId, Assistant(created, "[{\"type\":\"tool\",\"id\":\"" + callId + "\",\"name\":\"" + tool + "\",\"state\":" + state + ",\"time\":{\"created\":" + (created + 1) + done + "}}]", null));
    }

    /// <summary>The step ends: its row gets finish, cost and tokens, and the session's totals grow by them, in one transaction.</summary>
    public void StepEnded(string sessionId, string stepId, long created, long input, long output, long reasoning, long cacheRead, long cacheWrite, double cost, string content = "[]", bool totals = true)
    {
        var end = ",\"finish\":\"stop\",\"cost\":" + F(cost) + ",\"tokens\":{\"input\":" + input + ",\"output\":" + output + ",\"reasoning\":" + reasoning + ",\"cache\":{\"read\":" + cacheRead + ",\"write\":" + cacheWrite + "}}";
        using var tx = _connection.BeginTransaction();
        Update(stepId, Assistant(created, content, end), tx);
        if (totals)
        {
            AddTotals(sessionId, input, output, reasoning, cacheRead, cacheWrite, cost, tx);
        }

        tx.Commit();
    }

    /// <summary>Usage no row carries (session.usage.recorded: a title, a compaction request).</summary>
    public void Unrowed(string sessionId, long input, long output, double cost)
    {
        using var tx = _connection.BeginTransaction();
        AddTotals(sessionId, input, output, 0, 0, 0, cost, tx);
        tx.Commit();
    }

    /// <summary>The session goes idle as 2.x records it: an idle row, then time_idle / idle_outcome on its session_v2 row (time_updated untouched).</summary>
    public long Idle(string sessionId, string outcome)
    {
        Row(sessionId, "idle", "{\"time\":{\"created\":" + Now + "},\"outcome\":\"" + outcome + "\"}");
        var at = Now;
        Execute($"UPDATE session_v2 SET time_idle = {at}, idle_outcome = '{outcome}' WHERE id = '{sessionId}'");
        return at;
    }

    public (long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, double Cost) Totals(string sessionId)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write, cost FROM session_v2 WHERE id = '{sessionId}'";
        using var r = command.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetDouble(5));
    }

    public string Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }

    public void Dispose() => _connection.Dispose();

    private static string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Assistant(long created, string content, string? end) =>
        "{\"time\":{\"created\":" + created + (end is null ? "" : ",\"completed\":" + Now) + "},\"agent\":\"build\",\"model\":" + Model + ",\"content\":" + content + end + "}";

    private string Row(string sessionId, string type, string data)
    {
        var id = Id("msg");
        var seq = int.Parse(Scalar($"SELECT coalesce(max(seq), 0) + 1 FROM session_message WHERE session_id = '{sessionId}'"), CultureInfo.InvariantCulture);
        var now = Now;
        Execute($"INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data) VALUES ('{id}', '{sessionId}', '{type}', {seq}, {now}, {now}, '{data.Replace("'", "''")}')");
        return id;
    }

    private void Update(string id, string data, SqliteTransaction? tx = null) =>
        Execute($"UPDATE session_message SET data = '{data.Replace("'", "''")}', time_updated = {Now} WHERE id = '{id}'", tx);

    private void AddTotals(string sessionId, long input, long output, long reasoning, long cacheRead, long cacheWrite, double cost, SqliteTransaction tx) =>
        Execute($"""
            UPDATE session_v2 SET tokens_input = tokens_input + {input}, tokens_output = tokens_output + {output},
              tokens_reasoning = tokens_reasoning + {reasoning}, tokens_cache_read = tokens_cache_read + {cacheRead},
              tokens_cache_write = tokens_cache_write + {cacheWrite}, cost = cost + {F(cost)}, time_updated = {Now}
            WHERE id = '{sessionId}'
            """, tx);

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
