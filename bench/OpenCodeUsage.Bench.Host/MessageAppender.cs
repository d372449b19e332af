using System.Diagnostics;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Plays OpenCode writing a new assistant message into the live (WAL) database, through the sqlite3 CLI so
/// the host loads no SQLite of its own beside the module's. The rows carry a fixed id prefix and are
/// deleted afterwards (run.sh also deletes leftovers of an interrupted run), so the expected totals hold. On a 2.x
/// database it writes a step row into session_message and adds it to its session_v2 totals, and takes both back.
/// </summary>
internal sealed class MessageAppender(string database)
{
    public const string IdPrefix = "msg_ffffffffffffBenchAppend";

    // A 2.x database (session_v2) gets a finished step row and its session's totals, as 2.x writes them at step end;
    // time_updated stays, so the usage no row carries keeps its day (bench/README.md) and the expected totals hold.
    private readonly bool _v2 = Query(database, "SELECT count(*) FROM sqlite_master WHERE name = 'session_v2'") == "1";

    public void Append(int index)
    {
        var id = $"{IdPrefix}{index:D3}";
        if (_v2)
        {
            Sql($"""
                INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
                SELECT '{id}', s.id, 'assistant', (SELECT max(seq) + 1 FROM session_message WHERE session_id = s.id), m.t + 1000, m.t + 1900,
                  json_object('time', json_object('created', m.t + 1000, 'completed', m.t + 1900), 'agent', 'build',
                    'model', json_object('id', 'claude-sonnet-4-5', 'providerID', 'anthropic'), 'content', json_array(),
                    'finish', 'stop', 'cost', 0.0123,
                    'tokens', json_object('input', 100, 'output', 300, 'reasoning', 0, 'cache', json_object('read', 12000, 'write', 0)))
                FROM (SELECT max(time_created) AS t FROM session_message) m,
                     (SELECT id FROM session_v2 WHERE parent_id IS NULL AND fork_session_id IS NULL ORDER BY time_created DESC LIMIT 1) s;
                UPDATE session_v2 SET cost = cost + 0.0123, tokens_input = tokens_input + 100, tokens_output = tokens_output + 300,
                  tokens_cache_read = tokens_cache_read + 12000
                WHERE id = (SELECT session_id FROM session_message WHERE id = '{id}');
                """);
            return;
        }

        Sql($"""
            INSERT INTO message (id, session_id, time_created, time_updated, data)
            SELECT '{id}', s.id, m.t + 1000, m.t + 2000,
              json_object('parentID', 'msg_ffffffffffffBenchAppendUs', 'role', 'assistant', 'mode', 'build', 'agent', 'build',
                'path', json_object('cwd', s.directory, 'root', s.directory), 'cost', 0.0123,
                'tokens', json_object('total', 12400, 'input', 100, 'output', 300, 'reasoning', 0, 'cache', json_object('write', 0, 'read', 12000)),
                'modelID', 'claude-sonnet-4-5', 'providerID', 'anthropic',
                'time', json_object('created', m.t + 1000, 'completed', m.t + 1900), 'finish', 'stop')
            FROM (SELECT max(time_created) AS t FROM message) m,
                 (SELECT id, directory FROM session WHERE parent_id IS NULL ORDER BY time_created DESC LIMIT 1) s;
            """);
    }

    public void RemoveAll() =>
        Sql(_v2
            ? $"""
               UPDATE session_v2 SET cost = cost - 0.0123 * n.c, tokens_input = tokens_input - 100 * n.c, tokens_output = tokens_output - 300 * n.c,
                 tokens_cache_read = tokens_cache_read - 12000 * n.c
               FROM (SELECT session_id, count(*) AS c FROM session_message WHERE id LIKE '{IdPrefix}%' GROUP BY session_id) n
               WHERE session_v2.id = n.session_id;
               DELETE FROM session_message WHERE id LIKE '{IdPrefix}%'; PRAGMA wal_checkpoint(TRUNCATE);
               """
            : $"DELETE FROM message WHERE id LIKE '{IdPrefix}%'; PRAGMA wal_checkpoint(TRUNCATE);");

    private static string Query(string database, string sql)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-readonly");
        start.ArgumentList.Add(database);
        start.ArgumentList.Add(sql);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start");
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output;
    }

    private void Sql(string sql)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(database);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sqlite3 did not start");
        process.StandardInput.WriteLine(".timeout 5000");
        process.StandardInput.WriteLine(sql);
        process.StandardInput.Close();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}) on {database}");
        }
    }
}
