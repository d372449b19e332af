using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OpenCodeUsage.Storage;

/// <summary>Reads projects, sessions and messages from one OpenCode database, inside one short read transaction.</summary>
internal sealed class SqliteStore : IDisposable
{
    private const int CancellationCheckInterval = 1024;
    private readonly SqliteReadSession _read;

    private SqliteStore(StoreRef store, SqliteReadSession read)
    {
        Store = store;
        _read = read;
        Schema = read.Schema;
    }

    public StoreRef Store { get; }

    public DatabaseSchema Schema { get; }

    public static SqliteStore Open(StoreRef store)
    {
        // A scan reads each page once: SQLite's default 2 MB page cache per connection would only hold pages
        // already read. The upper levels of the trees still fit.
        var read = SqliteReadSession.Open(store.Path, cacheKiB: 256);
        try
        {
            return new SqliteStore(store, read);
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    public List<ProjectRecord> ReadProjects()
    {
        var projects = new List<ProjectRecord>();
        if (!Schema.Has("project", "id"))
        {
            return projects;
        }

        Query(
            $"SELECT id, {Schema.ColumnOrNull("project", "worktree")}, {Schema.ColumnOrNull("project", "name")} FROM project",
            reader => projects.Add(new ProjectRecord
            {
                Id = reader.GetString(0),
                Worktree = reader.IsDBNull(1) ? null : reader.GetString(1),
                Name = reader.IsDBNull(2) ? null : reader.GetString(2),
            }));
        return projects;
    }

    /// <summary>
    /// Every session's id and last update (time_updated, else time_created), in table order, handed over as the
    /// bytes SQLite holds: what tells which rows changed, without a string per row. The visitor returns false to stop.
    /// </summary>
    public void ReadSessionUpdates(KeyedRow visit)
    {
        RequireSessionTable();
        var updated = Schema.Has("session", "time_updated") ? "coalesce(time_updated, time_created)" : "time_created";
        ReadKeyed($"SELECT id, {updated} FROM session", "sessions", visit);
    }

    /// <summary>The session rows, all of them or those with the given ids.</summary>
    public List<SessionRecord> ReadSessions(IReadOnlyCollection<string>? only = null)
    {
        var sessions = new List<SessionRecord>();
        RequireSessionTable();
        string C(string column) => Schema.ColumnOrNull("session", column);
        var sql = $"SELECT id, {C("project_id")}, {C("parent_id")}, {C("title")}, {C("directory")}, {C("version")}, " +
                  $"{C("agent")}, {C("model")}, time_created, {C("time_updated")}, {C("time_archived")} FROM session";
        Action<SqliteDataReader> read = reader =>
        {
            var (provider, model) = SessionModel(reader.IsDBNull(7) ? null : reader.GetString(7));
            var created = reader.GetInt64(8);
            sessions.Add(new SessionRecord
            {
                Id = reader.GetString(0),
                ProjectId = GetString(reader, 1),
                ParentId = GetString(reader, 2),
                Title = GetString(reader, 3),
                Directory = GetString(reader, 4),
                Version = GetString(reader, 5),
                Agent = GetString(reader, 6),
                ProviderId = provider,
                ModelId = model,
                Created = created,
                Updated = reader.IsDBNull(9) ? created : reader.GetInt64(9),
                Archived = reader.IsDBNull(10) ? null : reader.GetInt64(10),
                Store = Store,
            });
        };
        if (only is null)
        {
            ReadAllSessions(sql, sessions);
        }
        else
        {
            _read.QueryEach(sql + " WHERE id = $id", "$id", only, read);
        }

        return sessions;
    }

    /// <summary>
    /// Every session row, through SQLite's own buffers: the project, directory, version, agent and model columns
    /// repeat from row to row and are pooled from their bytes, so a large table costs two strings a row, not nine.
    /// </summary>
    private void ReadAllSessions(string sql, List<SessionRecord> sessions)
    {
        using (var statement = _read.Prepare(sql, "sessions"))
        {
            var pool = new StringPool();
            string? Text(int column, bool pooled) =>
                raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null
                : pooled ? pool.Get(raw.sqlite3_column_blob(statement, column))
                : Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, column));
            long? Number(int column) =>
                raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(statement, column);

            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var (provider, model) = SessionModel(Text(7, pooled: true));
                var created = raw.sqlite3_column_int64(statement, 8);
                sessions.Add(new SessionRecord
                {
                    Id = Text(0, pooled: false) ?? string.Empty,
                    ProjectId = Text(1, pooled: true),
                    ParentId = Text(2, pooled: false),
                    Title = Text(3, pooled: false),
                    Directory = Text(4, pooled: true),
                    Version = Text(5, pooled: true),
                    Agent = Text(6, pooled: true),
                    ProviderId = provider,
                    ModelId = model,
                    Created = created,
                    Updated = Number(9) ?? created,
                    Archived = Number(10),
                    Store = Store,
                });
            }

            if (rc != raw.SQLITE_DONE)
            {
                throw _read.Failure(rc, "sessions");
            }
        }
    }

    private void RequireSessionTable()
    {
        if (!Schema.HasAll("session", "id", "time_created"))
        {
            throw new OpenCodeUsageException(
                "DatabaseSchemaUnsupported", FailureKind.InvalidData,
                $"'{Store.Path}' has no session table with id and time_created columns; is it an OpenCode database?",
                Store.Path);
        }
    }

    /// <summary>
    /// Fails when sessions exist but no table holds their messages in a shape we know (a renamed data column, say):
    /// every figure would read as zero, which is a wrong number, not an empty one.
    /// </summary>
    public void EnsureMessagesReadable(int sessionCount)
    {
        var mainUnreadable = !Schema.HasAll("message", "id", "session_id", "data");
        // A message table of another shape was changed, not moved: the secondary tables are then no stand-in.
        if (sessionCount > 0 && mainUnreadable && (Schema.HasTable("message") || SecondaryMessageTables().Count == 0))
        {
            throw new OpenCodeUsageException(
                "DatabaseSchemaUnsupported", FailureKind.InvalidData,
                $"'{Store.Path}' has sessions but no message table with id, session_id and data columns; a newer OpenCode may have changed its schema.",
                Store.Path);
        }
    }

    /// <summary>
    /// Streams message rows to <paramref name="sink"/>: every row, or with <paramref name="only"/> the rows of those
    /// sessions (through OpenCode's session index). <paramref name="owner"/> maps a session id to the session the
    /// row counts for, or null to pass it over. Uses SQLite's own buffers (no copy of the JSON): this loop is the
    /// whole cost of a cold report.
    /// </summary>
    public void ScanMessages(SessionOwners owner, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null) =>
        Scan("message", isSecondary: false, owner, sink, strings, progress, cancellationToken, only, null);

    /// <summary>Streams the message rows whose rowid lies in (<paramref name="afterRowId"/>, <paramref name="lastRowId"/>]: one slice of a parallel scan.</summary>
    public void ScanMessageRange(long afterRowId, long lastRowId, SessionOwners owner, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken) =>
        Scan("message", isSecondary: false, owner, sink, strings, progress, cancellationToken, null, (afterRowId, lastRowId));

    /// <summary>
    /// Tables of newer OpenCode builds that may carry messages (session_message and its successors), found by
    /// their columns rather than by version: any table other than <c>message</c> whose name mentions messages
    /// and that has id, session_id and data.
    /// </summary>
    public IReadOnlyList<string> SecondaryMessageTables() =>
        Schema.Tables
            .Where(t => !t.Equals("message", StringComparison.OrdinalIgnoreCase)
                        && t.Contains("message", StringComparison.OrdinalIgnoreCase)
                        && Schema.HasAll(t, "id", "session_id", "data"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Reads a secondary table's rows that carry usage (an assistant role or type, and tokens); event rows such
    /// as agent-switched are passed over. The caller asks only for sessions the main table had no messages for,
    /// so a message kept in both places is never counted twice.
    /// </summary>
    public void ScanSecondaryMessages(string table, SessionOwners owner, IMessageSink sink, StringPool strings,
        CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null) =>
        Scan(table, isSecondary: true, owner, sink, strings, null, cancellationToken, only, null);

    /// <summary>
    /// Per aggregate (a session), OpenCode's event sequence number (1.17 and later), which moves on every change to
    /// the session's messages; in table order, as bytes. Nothing where the table does not exist.
    /// </summary>
    public void ReadEventSequences(KeyedRow visit)
    {
        if (Schema.HasAll("event_sequence", "aggregate_id", "seq"))
        {
            ReadKeyed("SELECT aggregate_id, seq FROM event_sequence", "event sequences", visit);
        }
    }

    /// <summary>The highest message rowid, or -1 where the table has no rowid; new messages get higher ones.</summary>
    public long MaxMessageRowId()
    {
        if (!Schema.Has("message", "session_id"))
        {
            return -1;
        }

        long max = -1;
        try
        {
            Query("SELECT max(rowid) FROM message", r => max = r.IsDBNull(0) ? 0 : r.GetInt64(0));
        }
        catch (OpenCodeUsageException)
        {
            return -1; // a WITHOUT ROWID table: every change must be found another way
        }

        return max;
    }

    /// <summary>Rows in the message table (counted from its smallest index).</summary>
    public long CountMessages()
    {
        long count = 0;
        Query("SELECT count(*) FROM message", r => count = r.GetInt64(0));
        return count;
    }

    /// <summary>Rows per session, from the session index alone.</summary>
    public Dictionary<string, long> CountMessagesPerSession()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        Query("SELECT session_id, count(*) FROM message GROUP BY session_id", r => counts[r.GetString(0)] = r.GetInt64(1));
        return counts;
    }

    /// <summary>Sessions that have messages above <paramref name="rowId"/>: those added since it was the highest.</summary>
    public HashSet<string> SessionsWithMessagesAbove(long rowId)
    {
        var sessions = new HashSet<string>(StringComparer.Ordinal);
        // No DISTINCT: with it SQLite walks the whole session index instead of the few rows past the rowid.
        Query($"SELECT session_id FROM message WHERE rowid > {rowId}", r => sessions.Add(r.GetString(0)));
        return sessions;
    }

    /// <summary>A hash of the schema's SQL: it changes with every migration OpenCode applies.</summary>
    public string SchemaHash()
    {
        var text = new StringBuilder();
        Query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name", r =>
            text.Append(r.GetString(0)).Append('|').Append(r.GetString(1)).Append('|').Append(r.IsDBNull(2) ? "" : r.GetString(2)).Append('\n'));
        return Convert.ToHexString(System.IO.Hashing.XxHash64.Hash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private void Scan(string table, bool isSecondary, SessionOwners owner, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<string>? only, (long After, long Last)? range)
    {
        if (!Schema.HasAll(table, "id", "session_id", "data"))
        {
            return;
        }

        var timeColumn = Schema.ColumnOrNull(table, "time_created");
        var typeColumn = Schema.ColumnOrNull(table, "type");
        var where = only is not null ? " WHERE session_id = ?1"
            : range is { } r ? $" WHERE rowid > {r.After} AND rowid <= {r.Last}"
            : string.Empty;
        using (var statement = _read.Prepare(
            $"SELECT session_id, id, {timeColumn}, data, {typeColumn}, {(isSecondary ? "-1" : "rowid")} FROM {DatabaseSchema.Quote(table)}{where}", "messages"))
        {
            var state = new ScanState();
            if (only is null)
            {
                Step(statement, isSecondary, owner, sink, strings, progress, cancellationToken, ref state);
                return;
            }

            foreach (var sessionId in only)
            {
                raw.sqlite3_reset(statement);
                raw.sqlite3_bind_text(statement, 1, sessionId);
                Step(statement, isSecondary, owner, sink, strings, progress, cancellationToken, ref state);
            }
        }
    }

    private struct ScanState
    {
        public byte[]? LastSessionKey;
        public int LastSessionKeyLength;
        public SessionRecord? LastSession;
        public long Rows;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Step(sqlite3_stmt statement, bool isSecondary, SessionOwners owner, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken, ref ScanState state)
    {
        int rc;
        while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            if (++state.Rows % CancellationCheckInterval == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Invoke(state.Rows);
            }

            var sessionKey = raw.sqlite3_column_blob(statement, 0);
            if (state.LastSessionKey is null || !sessionKey.SequenceEqual(state.LastSessionKey.AsSpan(0, state.LastSessionKeyLength)))
            {
                // Rows of a session and its subagents interleave, so the session changes every few rows: it is found
                // from the bytes and the key is kept in a reused buffer, so a switch allocates nothing.
                if (state.LastSessionKey is null || state.LastSessionKey.Length < sessionKey.Length)
                {
                    state.LastSessionKey = new byte[Math.Max(64, sessionKey.Length)];
                }

                sessionKey.CopyTo(state.LastSessionKey);
                state.LastSessionKeyLength = sessionKey.Length;
                state.LastSession = owner.Find(sessionKey);
            }

            if (state.LastSession is not { } session)
            {
                continue;
            }

            var data = raw.sqlite3_column_blob(statement, 3);
            if (!isSecondary && MessagePayload.IsUserMessage(data) && !sink.NeedsUserDetails(session))
            {
                sink.CountUserMessage(session);
                continue;
            }

            if (!MessagePayload.TryParse(data, out var payload, strings, readIds: false))
            {
                if (!isSecondary)
                {
                    sink.Malformed(session, raw.sqlite3_column_text(statement, 1).utf8_to_string());
                }

                continue;
            }

            if (isSecondary && !CarriesUsage(ref payload, raw.sqlite3_column_blob(statement, 4)))
            {
                continue;
            }

            if (payload.Created == 0 && raw.sqlite3_column_type(statement, 2) == raw.SQLITE_INTEGER)
            {
                payload.Created = raw.sqlite3_column_int64(statement, 2);
            }

            var id = payload.Created < session.Created ? raw.sqlite3_column_text(statement, 1).utf8_to_string() : null;
            sink.Accept(session, id, raw.sqlite3_column_int64(statement, 5), ref payload);
        }

        progress?.Invoke(state.Rows);
        if (rc != raw.SQLITE_DONE)
        {
            throw _read.Failure(rc, "messages");
        }
    }

    private static bool CarriesUsage(ref MessagePayload payload, ReadOnlySpan<byte> type)
    {
        if (!payload.HasRole && type.SequenceEqual("assistant"u8))
        {
            payload.IsAssistant = true;
        }

        return payload.IsAssistant && payload.HasTokens;
    }

    /// <summary>One row of a (text key, number) query: the key's UTF-8 bytes, valid only during the call.</summary>
    public delegate bool KeyedRow(ReadOnlySpan<byte> key, long number);

    /// <summary>Runs a query of (text, integer) through SQLite's own buffers; rows with a null key are skipped, a null number reads 0.</summary>
    private void ReadKeyed(string sql, string what, KeyedRow visit)
    {
        using (var statement = _read.Prepare(sql, what))
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                // Every call into SQLite costs: the key's type is asked only when it reads empty, which a NULL does.
                var key = raw.sqlite3_column_blob(statement, 0);
                if (key.IsEmpty && raw.sqlite3_column_type(statement, 0) == raw.SQLITE_NULL)
                {
                    continue;
                }

                if (!visit(key, raw.sqlite3_column_int64(statement, 1)))
                {
                    return;
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                throw _read.Failure(rc, what);
            }
        }
    }

    public void Dispose() => _read.Dispose();

    private void Query(string sql, Action<SqliteDataReader> row) => _read.Query(sql, row);

    private static string? GetString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal)?.ToString();

    private readonly Dictionary<string, (string?, string?)> _sessionModels = new(StringComparer.Ordinal);

    /// <summary>The session's model column: {"id","providerID","variant"} since 1.15; the same few texts repeat, so each is parsed once.</summary>
    private (string? Provider, string? Model) SessionModel(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return (null, null);
        }

        if (!_sessionModels.TryGetValue(json, out var model))
        {
            model = ParseSessionModel(json);
            _sessionModels[json] = model;
        }

        return model;
    }

    private static (string? Provider, string? Model) ParseSessionModel(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? Read(string name) =>
                doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Read("providerID"), Read("id") ?? Read("modelID"));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a lone surrogate escape, which no string can hold. Unknown, not fatal.
            return (null, null);
        }
    }
}
