using System.Diagnostics;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Plays OpenCode writing a new assistant message into the live (WAL) database, through the sqlite3 CLI so
/// the host loads no SQLite of its own beside the module's. The rows carry a fixed id prefix and are
/// deleted afterwards (run.sh also deletes leftovers of an interrupted run), so the expected totals hold.
/// </summary>
internal sealed class MessageAppender(string database)
{
    public const string IdPrefix = "msg_ffffffffffffBenchAppend";

    public void Append(int index)
    {
        var id = $"{IdPrefix}{index:D3}";
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
        Sql($"DELETE FROM message WHERE id LIKE '{IdPrefix}%'; PRAGMA wal_checkpoint(TRUNCATE);");

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
