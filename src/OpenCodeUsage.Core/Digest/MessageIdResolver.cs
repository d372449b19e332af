using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// Finds the ids of digested database rows for per-message output, a session at a time through OpenCode's
/// session index (which holds the id and rowid), so digests need not carry a million id strings. Each lookup
/// is its own short statement: no read transaction stays open while the pipeline consumes the records.
/// </summary>
internal sealed class MessageIdResolver : IDisposable
{
    private readonly Dictionary<string, SqliteReadSession> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _tables = new(StringComparer.Ordinal);
    private string? _session;
    private Dictionary<long, string> _ids = [];

    public string Resolve(SessionRecord session, SessionDigest digest, in AssistantRow row)
    {
        if (digest.IdOf(row) is { } known)
        {
            return known;
        }

        if (Accounting.UnattributedUsage.Is(row))
        {
            return string.Empty; // usage no message carries (2.x title generation, compaction)
        }

        if (row.RowId < 0)
        {
            return string.Empty;
        }

        if (_session != session.Id)
        {
            _session = session.Id;
            _ids = ReadIds(session);
        }

        // A message deleted since it was digested still gets a stable name.
        return _ids.TryGetValue(row.RowId, out var id) ? id : $"rowid:{row.RowId}";
    }

    private Dictionary<long, string> ReadIds(SessionRecord session)
    {
        var path = session.Store.Path;
        if (!_connections.TryGetValue(path, out var db))
        {
            db = SqliteReadSession.Open(path, snapshot: false);
            _connections[path] = db;
        }

        var ids = new Dictionary<long, string>();
        if (!_tables.TryGetValue(path, out var table))
        {
            table = StorageLayout.Of(db.Schema).PrimaryMessages;
            _tables[path] = table;
        }

        if (table is null)
        {
            return ids;
        }

        db.Query($"SELECT rowid, id FROM {DatabaseSchema.Quote(table)} WHERE session_id = $s", r => ids[r.GetInt64(0)] = r.GetString(1), ("$s", session.Id));
        return ids;
    }

    public void Dispose()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }
    }
}
