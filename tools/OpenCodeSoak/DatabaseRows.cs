using System.Globalization;
using OpenCodeFixture.Processes;

namespace OpenCodeSoak;

/// <summary>
/// OpenCode's own rows, read with the sqlite3 shell (another process: see the project file) once the writers have
/// stopped: the session columns OpenCode keeps and the counts the report prints.
/// </summary>
internal static class DatabaseRows
{
    /// <summary>session.cost and session.tokens_*, which OpenCode adds up itself as it writes each message.</summary>
    public static async Task<Dictionary<string, (Figures Figures, long Created)>> SessionColumnsAsync(string database, CancellationToken ct)
    {
        var rows = await QueryAsync(database,
            "SELECT id, printf('%.17g', cost), tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write, time_created FROM session", ct);
        return rows.ToDictionary(r => r[0], r => (new Figures(0, L(r[2]), L(r[3]), L(r[4]), L(r[5]), L(r[6]),
            (decimal)double.Parse(r[1], CultureInfo.InvariantCulture)), L(r[7])));
    }

    /// <summary>Every tool call OpenCode recorded: its part, session and state (pending, running, completed, error).</summary>
    public static async Task<List<(string PartId, string SessionId, string Status)>> ToolPartsAsync(string database, CancellationToken ct) =>
        (await QueryAsync(database, "SELECT id, session_id, json_extract(data, '$.state.status') FROM part WHERE json_extract(data, '$.type') = 'tool'", ct))
            .Select(r => (r[0], r[1], r[2])).ToList();

    /// <summary>How much OpenCode wrote: sessions (subagent children, forks), message rows, assistant messages, parts.</summary>
    public static async Task<WrittenCounts> CountsAsync(string database, CancellationToken ct)
    {
        var row = (await QueryAsync(database, """
            SELECT (SELECT count(*) FROM session), (SELECT count(*) FROM session WHERE parent_id IS NOT NULL),
                   (SELECT count(*) FROM session WHERE title LIKE '%(fork #%'), (SELECT count(*) FROM message),
                   (SELECT count(*) FROM message WHERE json_extract(data, '$.role') = 'assistant'), (SELECT count(*) FROM part)
            """, ct)).Single();
        return new WrittenCounts(L(row[0]), L(row[1]), L(row[2]), L(row[3]), L(row[4]), L(row[5]));
    }

    /// <summary>The database's page size, which sets how large a -wal of 1000 pages (SQLite's auto-checkpoint) is.</summary>
    public static async Task<long> PageSizeAsync(string database, CancellationToken ct) =>
        L((await QueryAsync(database, "PRAGMA page_size", ct)).Single()[0]);

    private static long L(string text) => text.Length == 0 ? 0 : long.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<List<string[]>> QueryAsync(string database, string sql, CancellationToken ct)
    {
        var start = ProcessRunner.StartInfo("sqlite3", ["-readonly", "-separator", "\t", database, sql],
            Path.GetDirectoryName(database)!, new Dictionary<string, string?>());
        var result = await ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(2), ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("sqlite3 failed: " + result.StandardError.Trim());
        }

        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('\t')).ToList();
    }
}

/// <summary>What OpenCode wrote in all, counted from its rows.</summary>
public sealed record WrittenCounts(long Sessions, long SubagentSessions, long Forks, long MessageRows, long AssistantMessages, long Parts);
