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
        Layout = StorageLayout.Of(Schema);
    }

    public StoreRef Store { get; }

    public DatabaseSchema Schema { get; }

    /// <summary>Which generation wrote this database, and the tables and SQL to read it with.</summary>
    public StorageLayout Layout { get; }

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
        ReadKeyed(Layout.SessionsSql(idsOnly: true), "sessions", visit);
    }

    /// <summary>The session rows (of every session table, merged by id), all of them or those with the given ids.</summary>
    public List<SessionRecord> ReadSessions(IReadOnlyCollection<string>? only = null)
    {
        var sessions = new List<SessionRecord>();
        RequireSessionTable();
        ReadSessionRows(only is null ? Layout.SessionsSql(idsOnly: false) : Layout.SessionByIdSql(), only, sessions);
        return sessions;
    }

    /// <summary>
    /// Session rows, through SQLite's own buffers: the project, directory, version, agent and model columns
    /// repeat from row to row and are pooled from their bytes, so a large table costs two strings a row, not nine.
    /// </summary>
    private void ReadSessionRows(string sql, IReadOnlyCollection<string>? only, List<SessionRecord> sessions)
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

            void Step()
            {
                int rc;
                while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
                {
                    var (provider, model) = SessionModel(Text(SessionColumn.Model, pooled: true));
                    var created = raw.sqlite3_column_int64(statement, SessionColumn.Created);
                    sessions.Add(new SessionRecord
                    {
                        Id = Text(SessionColumn.Id, pooled: false) ?? string.Empty,
                        ProjectId = Text(SessionColumn.ProjectId, pooled: true),
                        ParentId = Text(SessionColumn.ParentId, pooled: false),
                        Title = Text(SessionColumn.Title, pooled: false),
                        Directory = Text(SessionColumn.Directory, pooled: true),
                        Version = Text(SessionColumn.Version, pooled: true),
                        Agent = Text(SessionColumn.Agent, pooled: true),
                        ProviderId = provider,
                        ModelId = model,
                        Created = created,
                        Updated = Number(SessionColumn.Updated) ?? created,
                        Archived = Number(SessionColumn.Archived),
                        ForkSessionId = Text(SessionColumn.ForkSessionId, pooled: false),
                        Idle = Number(SessionColumn.TimeIdle),
                        IdleOutcome = Text(SessionColumn.IdleOutcome, pooled: true),
                        V2Totals = raw.sqlite3_column_int64(statement, SessionColumn.HasV2) == 0 ? null : new SessionTotals(
                            raw.sqlite3_column_double(statement, SessionColumn.Cost),
                            Number(SessionColumn.Input) ?? 0, Number(SessionColumn.Output) ?? 0, Number(SessionColumn.Reasoning) ?? 0,
                            Number(SessionColumn.CacheRead) ?? 0, Number(SessionColumn.CacheWrite) ?? 0, Number(SessionColumn.V2Updated) ?? created),
                        Store = Store,
                    });
                }

                if (rc != raw.SQLITE_DONE)
                {
                    throw _read.Failure(rc, "sessions");
                }
            }

            if (only is null)
            {
                Step();
                return;
            }

            foreach (var id in only)
            {
                raw.sqlite3_reset(statement);
                raw.sqlite3_bind_text(statement, 1, id);
                Step();
            }
        }
    }

    private void RequireSessionTable()
    {
        if (!Layout.HasSessions)
        {
            throw new OpenCodeUsageException(
                "DatabaseSchemaUnsupported", FailureKind.InvalidData,
                $"'{Store.Path}' has no session or session_v2 table with id and time_created columns; is it an OpenCode database?",
                Store.Path);
        }
    }

    /// <summary>
    /// Fails when sessions exist but no table holds their messages in a shape we know (a renamed data column, say):
    /// every figure would read as zero, which is a wrong number, not an empty one.
    /// </summary>
    public void EnsureMessagesReadable(int sessionCount)
    {
        // A message table of another shape was changed, not moved: session_message is then no stand-in.
        var changed = Schema.HasTable(StorageLayout.V1Messages) && !Schema.HasAll(StorageLayout.V1Messages, "id", "session_id", "data");
        if (sessionCount > 0 && (changed || Layout.PrimaryMessages is null))
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
        Action<long>? progress, CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
    {
        if (Layout.PrimaryMessages is { } table)
        {
            Scan(table, isSecondary: false, owner, sink, strings, progress, cancellationToken, only, null);
        }
    }

    /// <summary>Streams the message rows whose rowid lies in (<paramref name="afterRowId"/>, <paramref name="lastRowId"/>]: one slice of a parallel scan.</summary>
    public void ScanMessageRange(long afterRowId, long lastRowId, SessionOwners owner, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        if (Layout.PrimaryMessages is { } table)
        {
            Scan(table, isSecondary: false, owner, sink, strings, progress, cancellationToken, null, (afterRowId, lastRowId));
        }
    }

    private StorageGeneration? _generation;

    /// <summary>
    /// The generation, told from the tables and, where the 1.x tables sit beside session_message (every 1.x database
    /// has an empty one; 1.15 wrote event rows there), from whether session_message holds steps: the 2.0 preview's.
    /// </summary>
    public StorageGeneration Generation
    {
        get
        {
            if (_generation is { } known)
            {
                return known;
            }

            var generation = Layout.Generation;
            if (generation == StorageGeneration.V1 && Layout.SecondaryMessages is { } table && HasSecondaryMessages)
            {
                var steps = false;
                if (Schema.Has(table, "type"))
                {
                    Query($"SELECT 1 FROM {DatabaseSchema.Quote(table)} WHERE type = 'assistant' LIMIT 1", _ => steps = true);
                }

                generation = steps ? StorageGeneration.V2Preview : generation;
            }

            _generation = generation;
            return generation;
        }
    }

    private bool? _secondaryHasRows;

    /// <summary>
    /// Whether the second message table (2.x's beside 1.x's) holds rows: every 1.x database has an empty one,
    /// and it is then never read.
    /// </summary>
    public bool HasSecondaryMessages
    {
        get
        {
            if (_secondaryHasRows is { } known)
            {
                return known;
            }

            var any = false;
            if (Layout.SecondaryMessages is { } table)
            {
                Query($"SELECT 1 FROM {DatabaseSchema.Quote(table)} LIMIT 1", _ => any = true);
            }

            _secondaryHasRows = any;
            return any;
        }
    }

    /// <summary>
    /// Reads the second message table's rows whose ids the primary lacks (the 2.x rows of a migrated database,
    /// and all of the 2.0 preview's): a message kept in both places is counted once.
    /// </summary>
    public void ScanSecondaryMessages(SessionOwners owner, IMessageSink sink, StringPool strings,
        CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
    {
        if (Layout.SecondaryMessages is { } table && HasSecondaryMessages)
        {
            Scan(table, isSecondary: true, owner, sink, strings, null, cancellationToken, only, null);
        }
    }

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
        if (Layout.PrimaryMessages is not { } table)
        {
            return -1;
        }

        long max = -1;
        try
        {
            Query($"SELECT max(rowid) FROM {table}", r => max = r.IsDBNull(0) ? 0 : r.GetInt64(0));
        }
        catch (OpenCodeUsageException)
        {
            return -1; // a WITHOUT ROWID table: every change must be found another way
        }

        return max;
    }

    /// <summary>Rows in the message table (counted from its smallest index); with <paramref name="secondary"/>, the second table's unshadowed rows.</summary>
    public long CountMessages(bool secondary = false)
    {
        long count = 0;
        if ((secondary ? Layout.SecondaryMessages : Layout.PrimaryMessages) is { } table && (!secondary || HasSecondaryMessages))
        {
            Query(Layout.CountSql(table, perSession: false), r => count = r.GetInt64(0));
        }

        return count;
    }

    /// <summary>Rows per session, from the session index alone (as <see cref="CountMessages"/> counts them).</summary>
    public Dictionary<string, long> CountMessagesPerSession(bool secondary = false)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        if ((secondary ? Layout.SecondaryMessages : Layout.PrimaryMessages) is { } table && (!secondary || HasSecondaryMessages))
        {
            Query(Layout.CountSql(table, perSession: true), r => counts[r.GetString(0)] = r.GetInt64(1));
        }

        return counts;
    }

    /// <summary>Sessions that have messages above <paramref name="rowId"/>: those added since it was the highest.</summary>
    public HashSet<string> SessionsWithMessagesAbove(long rowId)
    {
        var sessions = new HashSet<string>(StringComparer.Ordinal);
        if (Layout.PrimaryMessages is { } table)
        {
            // No DISTINCT: with it SQLite walks the whole session index instead of the few rows past the rowid.
            Query($"SELECT session_id FROM {table} WHERE rowid > {rowId}", r => sessions.Add(r.GetString(0)));
        }

        return sessions;
    }

    /// <summary>
    /// When 2.x migrated this database's 1.x history (<c>kv['migration.v1-v2'].time_updated</c>): its session totals
    /// hold the 1.x messages created until then, never those a 1.x client wrote afterwards. Null where there is none.
    /// </summary>
    public long? MigratedAt()
    {
        if (!Schema.HasAll("kv", "key", "time_updated"))
        {
            return null;
        }

        long? at = null;
        Query("SELECT time_updated FROM kv WHERE key = 'migration.v1-v2'", r => at = r.IsDBNull(0) ? null : r.GetInt64(0));
        return at;
    }

    /// <summary>
    /// For the usage no row carries: 1.x rows (the primary table, beside session_v2) created after this are not in
    /// session_v2's totals; null when every row is.
    /// </summary>
    public long? V1RowsCountedUntil() =>
        Layout.Generation == StorageGeneration.Migrated && Layout.PrimaryMessages == StorageLayout.V1Messages
            ? MigratedAt() ?? long.MaxValue
            : null;

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
        var where = only is not null ? " WHERE m.session_id = ?1"
            : range is { } r ? $" WHERE m.rowid > {r.After} AND m.rowid <= {r.Last}"
            : string.Empty;
        using (var statement = _read.Prepare(Layout.MessagesSql(table, where), "messages"))
        {
            var state = new ScanState { IsSecondary = isSecondary, IsV2 = StorageLayout.IsV2Shaped(table) };
            if (only is null)
            {
                Step(statement, owner, sink, strings, progress, cancellationToken, ref state);
                return;
            }

            foreach (var sessionId in only)
            {
                raw.sqlite3_reset(statement);
                raw.sqlite3_bind_text(statement, 1, sessionId);
                Step(statement, owner, sink, strings, progress, cancellationToken, ref state);
            }
        }
    }

    private struct ScanState
    {
        public byte[]? LastSessionKey;
        public int LastSessionKeyLength;
        public SessionRecord? LastSession;
        public long Rows;
        public bool IsSecondary;
        public bool IsV2;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Step(sqlite3_stmt statement, SessionOwners owner, IMessageSink sink, StringPool strings,
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
            ReadOnlySpan<byte> type = default;
            if (state.IsV2)
            {
                // 2.x keeps a row's kind in its type column: only steps and compactions carry usage, the rest are counted.
                type = raw.sqlite3_column_blob(statement, 4);
                if (type.SequenceEqual("user"u8))
                {
                    sink.CountUserMessage(session);
                    continue;
                }

                if (!type.SequenceEqual("assistant"u8) && !type.SequenceEqual("compaction"u8))
                {
                    sink.CountEvent(session);
                    continue;
                }
            }
            else if (MessagePayload.IsUserMessage(data) && !sink.NeedsUserDetails(session))
            {
                sink.CountUserMessage(session);
                continue;
            }

            if (!MessagePayload.TryParse(data, out var payload, strings, readIds: false))
            {
                sink.Malformed(session, raw.sqlite3_column_text(statement, 1).utf8_to_string());
                continue;
            }

            if (state.IsV2)
            {
                payload.OutputExcludesReasoning = true;
                var isStep = type.SequenceEqual("assistant"u8);
                if (!payload.HasTokens)
                {
                    // A step is written at its start without tokens and stamped at its end; a compaction without usage is a message.
                    if (isStep && payload.Finish is null && payload.ErrorName is null && payload.Completed == 0)
                    {
                        sink.Streaming(session);
                    }
                    else if (isStep)
                    {
                        sink.CountUserMessage(session); // a step that ended without usage (1.x kept aborted replies alike)
                    }
                    else
                    {
                        sink.CountEvent(session);
                    }

                    continue;
                }

                payload.IsAssistant = true;
                // A row that names no model or agent (a compaction's usage, say) ran with the session's.
                if (payload.ModelId is null)
                {
                    (payload.ProviderId, payload.ModelId) = (session.ProviderId, session.ModelId);
                }

                payload.Agent ??= session.Agent;
                if (!isStep)
                {
                    payload.Finish ??= "compaction"; // written whole, never streamed: settled
                }
            }

            if (payload.Created == 0 && raw.sqlite3_column_type(statement, 2) == raw.SQLITE_INTEGER)
            {
                payload.Created = raw.sqlite3_column_int64(statement, 2);
            }

            // Rows of the second table have no rowid of the first to be found by: their ids are kept.
            var id = state.IsSecondary || payload.Created < session.Created ? raw.sqlite3_column_text(statement, 1).utf8_to_string() : null;
            sink.Accept(session, id, state.IsSecondary ? -1 : raw.sqlite3_column_int64(statement, 5), ref payload);
        }

        progress?.Invoke(state.Rows);
        if (rc != raw.SQLITE_DONE)
        {
            throw _read.Failure(rc, "messages");
        }
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
