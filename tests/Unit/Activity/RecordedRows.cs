using Microsoft.Data.Sqlite;
using OpenCodeUsage.Activity;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>The rows of a real OpenCode database, in the order OpenCode wrote them (rowid), as the watcher reads them.</summary>
internal sealed class RecordedRows
{
    public List<SessionRow> Sessions { get; } = [];
    public List<MessageRow> Messages { get; } = [];
    public List<PartRow> Parts { get; } = [];

    /// <summary>Per session: (cost, input, output, reasoning, cache read, cache write) as OpenCode's own columns hold them.</summary>
    public Dictionary<string, (double Cost, long Input, long Output, long Reasoning, long CacheRead, long CacheWrite)> Columns { get; } = [];

    public static RecordedRows Read(string database)
    {
        var rows = new RecordedRows();
        // Without a -wal every row is in the main file: immutable mode then reads it without creating -wal/-shm
        // beside a committed data set (a plain read-only open would).
        var source = File.Exists(database + "-wal") ? database : new Uri(Path.GetFullPath(database)).AbsoluteUri + "?immutable=1";
        using var connection = new SqliteConnection($"Data Source={source};Mode=ReadOnly;Pooling=False");
        connection.Open();
        Each(connection, "SELECT id, project_id, parent_id, title, directory, time_created, cost, tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write FROM session ORDER BY rowid", r =>
        {
            rows.Sessions.Add(new SessionRow(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt64(5)));
            rows.Columns[r.GetString(0)] = (r.GetDouble(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetInt64(11));
        });
        Each(connection, "SELECT id, session_id, time_created, data FROM message ORDER BY rowid", r =>
            rows.Messages.Add(new MessageRow(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetFieldValue<byte[]>(3))));
        Each(connection, "SELECT id, message_id, session_id, time_created, data FROM part ORDER BY rowid", r =>
            rows.Parts.Add(new PartRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetFieldValue<byte[]>(4))));
        return rows;
    }

    /// <summary>Everything as one batch.</summary>
    public ChangeBatch All()
    {
        var batch = new ChangeBatch();
        batch.NewSessions.AddRange(Sessions);
        batch.Messages.AddRange(Messages);
        batch.Parts.AddRange(Parts);
        return batch;
    }

    /// <summary>One batch per message with its parts, sessions first: the way a watch reads OpenCode write by write.</summary>
    public IEnumerable<ChangeBatch> OneMessageAtATime()
    {
        var sessionsSent = new HashSet<string>();
        foreach (var message in Messages)
        {
            var batch = new ChangeBatch();
            var session = Sessions.Single(s => s.Id == message.SessionId);
            if (sessionsSent.Add(session.Id))
            {
                batch.NewSessions.Add(session);
            }

            batch.Messages.Add(message);
            batch.Parts.AddRange(Parts.Where(p => p.MessageId == message.Id));
            yield return batch;
        }
    }

    private static void Each(SqliteConnection connection, string sql, Action<SqliteDataReader> row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            row(reader);
        }
    }
}
