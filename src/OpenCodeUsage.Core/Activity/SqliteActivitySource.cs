using Microsoft.Data.Sqlite;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Reads only what changed in one OpenCode database. New rows are found by rowid (OpenCode updates rows in
/// place, so rowids only grow, and rowid lookups need no index); rows that change in place are those of
/// assistant messages still being written, re-read through OpenCode's own message-id indexes. The
/// connection is opened for each read and closed after it, so OpenCode's checkpoints are never held back.
/// </summary>
internal sealed class SqliteActivitySource : IActivitySource
{
    /// <summary>Rows per table per read: a burst (an import, a fork of a long session) is read in slices.</summary>
    internal const int BatchLimit = 2000;

    /// <summary>How far back the start looks for answers still being written.</summary>
    private const int RecentMessages = 200;

    private readonly string _path;
    private readonly ActivityDeriver _deriver;
    private readonly IdleTracker _idle;
    private readonly Dictionary<string, (long Message, long Parts)> _watermarks = new(StringComparer.Ordinal);
    private long _sessionCursor = -1, _messageCursor = -1, _partCursor = -1, _v2SessionCursor = -1, _stepCursor = -1, _v2Updated = -1;
    private WriteStamp _stamp;
    private Shape? _shape;

    public SqliteActivitySource(string path, string dataDirectory, ActivityFilter filter, IdleTracker idle)
    {
        _path = path;
        _idle = idle;
        _deriver = new ActivityDeriver(filter, idle, dataDirectory, null);
    }

    public (string Directory, Func<string, bool> Matters, bool Recursive) Notifications
    {
        get
        {
            var name = Path.GetFileName(_path);
            return (Path.GetDirectoryName(Path.GetFullPath(_path))!, f => f == name || f == name + "-wal", false);
        }
    }

    public DateTimeOffset? NextIdleDue => _idle.NextDue();

    /// <summary>Reads done: a watch with nothing written must not read (tests check it never wakes itself).</summary>
    public long Reads { get; private set; }

    public void Stop() => WalIndexKeeper.Release(_path);

    /// <summary>Notifications come for our own opens too (see <see cref="WriteStamp"/>): only a moved size or write time is news.</summary>
    public bool MayHaveChanged(bool notified) => WriteStamp.Of(_path) != _stamp;

    public List<ActivityEvent> IdleDue(DateTimeOffset now) => _deriver.IdleDue(now);

    public void Start()
    {
        _stamp = WriteStamp.Of(_path);
        using var db = SqliteReadSession.Open(_path);
        _shape = Shape.Of(db);
        _deriver.SetProjects(ReadProjects(db));
        var seed = new ChangeBatch();
        seed.NewSessions.AddRange(ReadSessions(db, newOnly: false));
        _sessionCursor = MaxRowId(db, "session");
        _messageCursor = MaxRowId(db, "message");
        _partCursor = MaxRowId(db, "part");
        _v2SessionCursor = MaxRowId(db, "session_v2");
        _stepCursor = MaxRowId(db, "session_message");
        if (_shape.V2Sessions && _shape.Schema.Has("session_v2", "time_updated"))
        {
            db.Query("SELECT coalesce(max(time_updated), 0) FROM session_v2", r => _v2Updated = r.GetInt64(0));
        }

        // Answers being written when the watch starts: their later changes are news, what they hold now is not.
        if (_shape.Messages)
        {
            var recent = new List<(MessageRow Row, long Updated)>();
            db.Query("SELECT rowid, id, session_id, time_created, time_updated, data FROM message ORDER BY rowid DESC LIMIT " + RecentMessages,
                r => recent.Add((MessageOf(r), r.GetInt64(4))));
            foreach (var (row, updated) in recent)
            {
                if (MessagePayload.TryParse(row.Data, out var p) && p.IsAssistant && p.Completed == 0 && p.ErrorName is null)
                {
                    seed.Messages.Add(row);
                    _watermarks[row.Id] = (updated, 0);
                }
            }

            foreach (var id in _watermarks.Keys.ToList())
            {
                ReadPartsOf(db, id, seed.Parts);
            }
        }

        // 2.x steps still being written when the watch starts (no tokens yet): their end is news.
        if (_shape.Steps)
        {
            db.Query(StepColumns + " WHERE type = 'assistant' ORDER BY rowid DESC LIMIT " + RecentMessages, r =>
            {
                var row = StepOf(r);
                if (MessagePayload.TryParse(row.Data, out var p) && !p.HasTokens && p.ErrorName is null && !Migrated(db, row.Id))
                {
                    seed.Steps.Add(row);
                    _watermarks[row.Id] = (r.GetInt64(5), 0);
                }
            });
        }

        _deriver.Seed(seed);
        db.Commit();
    }

    public List<ActivityEvent> Read(DateTimeOffset now, out bool more)
    {
        var stamp = WriteStamp.Of(_path);
        Reads++;
        using var db = SqliteReadSession.Open(_path);
        if (db.SchemaVersion() != _shape!.SchemaVersion)
        {
            _shape = Shape.Of(db); // OpenCode migrated the schema while we watched
            if (_v2Updated < 0 && _shape.V2Sessions && _shape.Schema.Has("session_v2", "time_updated"))
            {
                _v2Updated = 0; // 2.x's tables are new: their sessions are read whole once, then as they move
            }
        }

        var batch = new ChangeBatch();
        var partsBefore = _partCursor;
        var stepsBefore = _stepCursor;
        // The answers still being written, with their marks as the last read left them: the scans of new rows below
        // raise a mark (a new step-finish part), and a part changed in place before it (the tool it ran) is older.
        var active = _deriver.ActiveMessages.Select(id => (Id: id, Marks: _watermarks.GetValueOrDefault(id))).ToList();
        more = false;
        batch.NewSessions.AddRange(ReadSessions(db, newOnly: true));

        if (_shape.Messages)
        {
            more |= ReadNew(db, "SELECT rowid, id, session_id, time_created, time_updated, data FROM message WHERE rowid > $c ORDER BY rowid LIMIT " + BatchLimit,
                _messageCursor, r =>
                {
                    var row = MessageOf(r);
                    batch.Messages.Add(row);
                    Watermark(row.Id, r.GetInt64(4), 0);
                    _messageCursor = r.GetInt64(0);
                });
        }

        if (_shape.Parts)
        {
            more |= ReadNew(db, "SELECT rowid, id, message_id, session_id, time_created, time_updated, data FROM part WHERE rowid > $c ORDER BY rowid LIMIT " + BatchLimit,
                _partCursor, r =>
                {
                    batch.Parts.Add(PartOf(r));
                    Watermark(r.GetString(2), 0, r.GetInt64(5));
                    _partCursor = r.GetInt64(0);
                });
        }

        if (_shape.Steps)
        {
            more |= ReadNew(db, StepColumns + " WHERE rowid > $c ORDER BY rowid LIMIT " + BatchLimit, _stepCursor, r =>
            {
                _stepCursor = r.GetInt64(0);
                var row = StepOf(r);
                if (!Migrated(db, row.Id))
                {
                    batch.Steps.Add(row);
                    Watermark(row.Id, r.GetInt64(5), 0);
                }
            });
        }

        // Rows that change in place: the answers (1.x) and steps (2.x) still being written.
        foreach (var (id, (messageMark, partMark)) in active)
        {
            if (_shape.Steps)
            {
                db.Query(StepColumns + " WHERE id = $id AND time_updated >= $w", r =>
                {
                    batch.Steps.Add(StepOf(r));
                    Watermark(id, r.GetInt64(5), 0);
                }, ("$id", id), ("$w", messageMark));
            }

            if (!_shape.Messages)
            {
                continue;
            }

            db.Query("SELECT rowid, id, session_id, time_created, time_updated, data FROM message WHERE id = $id AND time_updated >= $w",
                r =>
                {
                    batch.Messages.Add(MessageOf(r));
                    Watermark(id, r.GetInt64(4), 0);
                }, ("$id", id), ("$w", messageMark));
            ReadPartsOf(db, id, batch.Parts, partMark);
        }

        // A part whose message the watch never saw (it began before the watch, beyond the recent ones read at the start).
        foreach (var messageId in batch.Parts.Select(p => p.MessageId).Distinct().Where(m => !_deriver.KnowsMessage(m)).ToList())
        {
            if (batch.Messages.All(m => m.Id != messageId))
            {
                db.Query("SELECT rowid, id, session_id, time_created, time_updated, data FROM message WHERE id = $id",
                    r => batch.Messages.Insert(0, MessageOf(r)), ("$id", messageId));
            }
        }

        RefreshSessions(db, batch);
        if (_v2Updated >= 0)
        {
            // Usage no row carries moves only the session's totals (and time_updated): those sessions are read again.
            var since = _v2Updated;
            // Going idle moves time_idle, not always time_updated.
            db.Query(V2SessionColumns + $" FROM session_v2 WHERE time_updated >= $u OR {_shape.Column("session_v2", "time_idle")} >= $u", r =>
            {
                var row = V2SessionOf(r);
                batch.UpdatedSessions.Add(row);
                _v2Updated = Math.Max(_v2Updated, Math.Max(r.GetInt64(13), row.Idle ?? 0));
            }, ("$u", since));
        }
        var batchSteps = batch.Steps.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        _deriver.Baseline = (sessionId, _) => Baseline(db, sessionId, partsBefore, stepsBefore, batchSteps);
        var events = _deriver.Apply(batch, now);
        _deriver.Baseline = null;
        foreach (var id in _watermarks.Keys.Except(_deriver.ActiveMessages).ToList())
        {
            _watermarks.Remove(id);
        }

        db.Commit();
        _stamp = stamp;
        return events;
    }

    /// <summary>Titles change after the first answer, and a session's row may name a project the watch has not seen.</summary>
    private void RefreshSessions(SqliteReadSession db, ChangeBatch batch)
    {
        var touched = batch.Messages.Select(m => m.SessionId).Concat(batch.Parts.Select(p => p.SessionId))
            .Concat(batch.Steps.Select(m => m.SessionId))
            .Except(batch.NewSessions.Select(s => s.Id)).Distinct().ToList();
        foreach (var id in touched)
        {
            batch.UpdatedSessions.AddRange(ReadSessions(db, newOnly: false, id));
        }

        if (batch.NewSessions.Concat(batch.UpdatedSessions).Any(s => s.ProjectId is { } p && !_deriver.KnowsProject(p)))
        {
            _deriver.SetProjects(ReadProjects(db));
        }
    }

    /// <summary>
    /// The session's own steps already in the database before this read: step-finish parts up to the part cursor,
    /// leaving out those of messages a fork copied (created before the session).
    /// </summary>
    private TokenTotals Baseline(SqliteReadSession db, string sessionId, long partCursor, long stepCursor, IReadOnlySet<string> batchSteps)
    {
        var totals = default(TokenTotals);
        var shape = _shape!;
        var created = shape.Sessions ? "coalesce((SELECT time_created FROM session WHERE id = $s), 0)" : "0";
        if (shape.Parts && shape.Messages)
        {
            db.Query($"""
                SELECT p.data FROM part p JOIN message m ON m.id = p.message_id
                WHERE p.session_id = $s AND p.rowid <= $c AND p.data LIKE '%step-finish%' AND m.time_created >= {created}
                """,
                r =>
                {
                    var data = Bytes(r, 0);
                    if (PartPayload.TryParse(data, out var part) && part.Type == "step-finish" && MessagePayload.TryParse(data, out var usage))
                    {
                        totals.Add(usage);
                    }
                }, ("$s", sessionId), ("$c", partCursor));
        }

        // The 2.0 preview writes its steps as session_message rows of a 1.x session: they count too (not those the
        // migration copied from message, which the parts above already hold, nor those this read reports).
        if (shape.Steps)
        {
            var copied = shape.Messages ? " AND NOT EXISTS (SELECT 1 FROM message m WHERE m.id = sm.id)" : string.Empty;
            db.Query($"""
                SELECT sm.data, sm.id FROM session_message sm
                WHERE sm.session_id = $s AND sm.rowid <= $c AND sm.type IN ('assistant', 'compaction') AND sm.time_created >= {created}{copied}
                """,
                r =>
                {
                    // A step this read reports (one stamped in place since the last read) is not part of what came before.
                    if (!batchSteps.Contains(r.GetString(1)) && ActivityDeriver.TryStepUsage(Bytes(r, 0), out var usage) && usage.HasTokens)
                    {
                        totals.Add(usage);
                    }
                }, ("$s", sessionId), ("$c", stepCursor));
        }

        return totals;
    }

    private void ReadPartsOf(SqliteReadSession db, string messageId, List<PartRow> into, long since = 0)
    {
        if (!_shape!.Parts)
        {
            return;
        }

        db.Query("SELECT rowid, id, message_id, session_id, time_created, time_updated, data FROM part WHERE message_id = $id AND time_updated >= $w",
            r =>
            {
                into.Add(PartOf(r));
                Watermark(messageId, 0, r.GetInt64(5));
            }, ("$id", messageId), ("$w", since));
    }

    private void Watermark(string messageId, long message, long parts)
    {
        var (m, p) = _watermarks.GetValueOrDefault(messageId);
        _watermarks[messageId] = (Math.Max(m, message), Math.Max(p, parts));
    }

    /// <summary>
    /// Sessions: all, one by id, or those after the cursors (which then move), from the 1.x <c>session</c> table and the
    /// 2.x <c>session_v2</c> table, whichever the database has; a migrated session's 2.x row comes last and carries its totals.
    /// </summary>
    private List<SessionRow> ReadSessions(SqliteReadSession db, bool newOnly, string? id = null)
    {
        var rows = new List<SessionRow>();
        var shape = _shape!;
        string Where(long cursor) => id is not null ? " WHERE id = $id" : newOnly ? $" WHERE rowid > {cursor} ORDER BY rowid" : string.Empty;
        if (shape.Sessions)
        {
            string C(string column) => shape.Column("session", column);
            db.Query($"SELECT rowid, id, {C("project_id")}, {C("parent_id")}, {C("title")}, {C("directory")}, {C("time_created")} FROM session{Where(_sessionCursor)}",
                r =>
                {
                    rows.Add(SessionOf(r));
                    _sessionCursor = newOnly ? Math.Max(_sessionCursor, r.GetInt64(0)) : _sessionCursor;
                },
                ("$id", id ?? string.Empty));
        }

        if (shape.V2Sessions)
        {
            db.Query($"{V2SessionColumns} FROM session_v2{Where(_v2SessionCursor)}",
                r =>
                {
                    rows.Add(V2SessionOf(r));
                    _v2SessionCursor = newOnly ? Math.Max(_v2SessionCursor, r.GetInt64(0)) : _v2SessionCursor;
                },
                ("$id", id ?? string.Empty));
        }

        return rows;
    }

    private string V2SessionColumns
    {
        get
        {
            string V(string column) => _shape!.Column("session_v2", column);
            return $"SELECT rowid, id, {V("project_id")}, {V("parent_id")}, {V("title")}, {V("directory")}, {V("time_created")}, " +
                   $"{V("tokens_input")}, {V("tokens_output")}, {V("tokens_reasoning")}, {V("tokens_cache_read")}, {V("tokens_cache_write")}, {V("cost")}, {V("time_updated")}, " +
                   $"{V("time_idle")}, {V("idle_outcome")}";
        }
    }

    private static SessionRow V2SessionOf(SqliteDataReader r)
    {
        long N(int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);
        return SessionOf(r) with
        {
            Reported = ActivityDeriver.Reported(N(7), N(8), N(9), N(10), N(11), r.IsDBNull(12) ? 0 : r.GetDouble(12)),
            Idle = r.IsDBNull(14) ? null : r.GetInt64(14),
            IdleOutcome = Str(r, 15),
        };
    }

    private static SessionRow SessionOf(SqliteDataReader r) =>
        new(r.GetString(1), Str(r, 2), Str(r, 3), Str(r, 4), Str(r, 5), r.IsDBNull(6) ? 0 : r.GetInt64(6));

    private const string StepColumns = "SELECT rowid, id, session_id, type, time_created, time_updated, data FROM session_message";

    private static StepRow StepOf(SqliteDataReader r) =>
        new(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? string.Empty : r.GetString(3), r.IsDBNull(4) ? 0 : r.GetInt64(4), Bytes(r, 6));

    /// <summary>A 2.x row the migration copied from a 1.x message (same id): the 1.x row already is that message.</summary>
    private bool Migrated(SqliteReadSession db, string id)
    {
        if (!_shape!.Messages)
        {
            return false;
        }

        var found = false;
        db.Query("SELECT 1 FROM message WHERE id = $id", _ => found = true, ("$id", id));
        return found;
    }

    private List<ProjectRecord> ReadProjects(SqliteReadSession db)
    {
        var projects = new List<ProjectRecord>();
        var shape = _shape!;
        if (!shape.Schema.Has("project", "id"))
        {
            return projects;
        }

        db.Query($"SELECT id, {shape.Column("project", "worktree")}, {shape.Column("project", "name")} FROM project",
            r => projects.Add(new ProjectRecord { Id = r.GetString(0), Worktree = Str(r, 1), Name = Str(r, 2) }));
        return projects;
    }

    private static long MaxRowId(SqliteReadSession db, string table)
    {
        long max = 0;
        try
        {
            db.Query($"SELECT coalesce(max(rowid), 0) FROM {DatabaseSchema.Quote(table)}", r => max = r.GetInt64(0));
        }
        catch (OpenCodeUsageException)
        {
            // No such table in this version: nothing to follow there.
        }

        return max;
    }

    private static bool ReadNew(SqliteReadSession db, string sql, long cursor, Action<SqliteDataReader> row)
    {
        var count = 0;
        db.Query(sql, r =>
        {
            count++;
            row(r);
        }, ("$c", cursor));
        return count >= BatchLimit;
    }

    private static MessageRow MessageOf(SqliteDataReader r) =>
        new(r.GetString(1), r.GetString(2), r.IsDBNull(3) ? 0 : r.GetInt64(3), Bytes(r, 5));

    private static PartRow PartOf(SqliteDataReader r) =>
        new(r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? 0 : r.GetInt64(4), Bytes(r, 6));

    /// <summary>A TEXT column's UTF-8 bytes, which the JSON readers take as they are.</summary>
    private static byte[] Bytes(SqliteDataReader r, int i) => r.IsDBNull(i) ? [] : r.GetFieldValue<byte[]>(i);

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetValue(i)?.ToString();

    /// <summary>Which of the tables the watcher follows this database has, probed again only when its schema version moves.</summary>
    private sealed class Shape
    {
        public required DatabaseSchema Schema { get; init; }
        public long SchemaVersion { get; init; }
        public required StorageLayout Layout { get; init; }
        public bool Sessions => Layout.SessionTables.Contains(StorageLayout.V1Sessions);
        public bool V2Sessions => Layout.SessionTables.Contains(StorageLayout.V2Sessions);
        public bool Steps => Schema.HasAll(StorageLayout.V2Messages, "id", "session_id", "type", "time_created", "time_updated", "data");
        public bool Messages => Schema.HasAll("message", "id", "session_id", "time_created", "time_updated", "data");
        public bool Parts => Schema.HasAll("part", "id", "message_id", "session_id", "time_created", "time_updated", "data");

        public string Column(string table, string column) => Schema.ColumnOrNull(table, column);

        public static Shape Of(SqliteReadSession db)
        {
            var schema = db.Schema;
            var layout = StorageLayout.Of(schema);
            if (!layout.HasSessions)
            {
                throw new OpenCodeUsageException("DatabaseSchemaUnsupported", FailureKind.InvalidData,
                    $"'{db.Path}' has no session table; is it an OpenCode database?", db.Path);
            }

            return new Shape { Schema = schema, Layout = layout, SchemaVersion = db.SchemaVersion() };
        }
    }
}
