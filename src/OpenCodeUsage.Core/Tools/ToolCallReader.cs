using OpenCodeUsage.IO;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Tools;

/// <summary>
/// Reads the tool calls of a session's counted assistant messages from where its store keeps them: 1.x parts
/// (<c>part</c> rows of type tool, by their message's rowid), 2.x steps (<c>content[]</c> of the
/// <c>session_message</c> row: by rowid where it is the primary table, by id where it only adds the rows
/// <c>message</c> lacks), legacy part files (<c>storage/part/&lt;messageID&gt;/*.json</c>). Each read is one
/// short statement through the session index: no read transaction stays open between sessions.
/// </summary>
internal sealed class ToolCallReader : IDisposable
{
    private readonly Dictionary<string, (SqliteReadSession Db, StorageLayout Layout)> _stores = new(StringComparer.Ordinal);

    /// <summary>Part files skipped because they could not be read.</summary>
    public int Unreadable { get; private set; }

    /// <param name="byRowId">Counted messages of the primary table: rowid to the caller's group index.</param>
    /// <param name="byId">Counted messages known by id (secondary table, legacy files): id to the group index.</param>
    public void Read(SessionRecord session, IReadOnlyDictionary<long, int> byRowId, IReadOnlyDictionary<string, int> byId,
        Action<int, ToolCall> found, CancellationToken cancellationToken)
    {
        if (session.Store.IsLegacyJson)
        {
            ReadLegacy(session.Store.Path, byId, found, cancellationToken);
            return;
        }

        var (db, layout) = Open(session.Store.Path);
        var parameter = ("$s", (object)session.Id);
        if (byRowId.Count > 0 && layout.PrimaryMessages == StorageLayout.V1Messages && db.Schema.HasAll("part", "message_id", "session_id", "data"))
        {
            db.Query("""
                SELECT m.rowid, p.data FROM part p JOIN message m ON m.id = p.message_id
                WHERE p.session_id = $s AND json_valid(p.data) AND json_extract(p.data, '$.type') = 'tool'
                """, r =>
            {
                if (byRowId.TryGetValue(r.GetInt64(0), out var group) && ToolCall.FromPart(r.GetString(1)) is { } call)
                {
                    found(group, call);
                }
            }, parameter);
        }
        else if (byRowId.Count > 0 && layout.PrimaryMessages == StorageLayout.V2Messages)
        {
            db.Query($"SELECT rowid, data FROM session_message WHERE session_id = $s AND {AssistantRows(db)}", r =>
            {
                if (byRowId.TryGetValue(r.GetInt64(0), out var group))
                {
                    ToolCall.FromStep(r.GetString(1)).ForEach(c => found(group, c));
                }
            }, parameter);
        }

        if (byId.Count > 0 && layout.SecondaryMessages == StorageLayout.V2Messages)
        {
            db.Query($"SELECT id, data FROM session_message WHERE session_id = $s AND {AssistantRows(db)}", r =>
            {
                if (byId.TryGetValue(r.GetString(0), out var group))
                {
                    ToolCall.FromStep(r.GetString(1)).ForEach(c => found(group, c));
                }
            }, parameter);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Only assistant steps carry tools; a table without the type column (none seen) is read whole.</summary>
    private static string AssistantRows(SqliteReadSession db) =>
        db.Schema.Has(StorageLayout.V2Messages, "type") ? "type = 'assistant'" : "1";

    private void ReadLegacy(string storage, IReadOnlyDictionary<string, int> byId, Action<int, ToolCall> found, CancellationToken cancellationToken)
    {
        foreach (var (messageId, group) in byId)
        {
            var folder = Path.Combine(storage, "part", messageId);
            if (messageId.IndexOfAny(['/', '\\']) >= 0 || messageId.Contains("..", StringComparison.Ordinal) || !Directory.Exists(folder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                cancellationToken.ThrowIfCancellationRequested();
                string text;
                try
                {
                    text = RegularFile.ReadAllText(file, RegularFile.RecordCap, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OpenCodeUsageException)
                {
                    Unreadable++;
                    continue;
                }

                if (ToolCall.FromPart(text) is { } call)
                {
                    found(group, call);
                }
            }
        }
    }

    private (SqliteReadSession Db, StorageLayout Layout) Open(string path)
    {
        if (!_stores.TryGetValue(path, out var store))
        {
            var db = SqliteReadSession.Open(path, snapshot: false);
            store = (db, StorageLayout.Of(db.Schema));
            _stores[path] = store;
        }

        return store;
    }

    public void Dispose()
    {
        foreach (var (db, _) in _stores.Values)
        {
            db.Dispose();
        }
    }
}
