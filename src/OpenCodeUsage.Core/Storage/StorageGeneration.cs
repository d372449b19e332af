namespace OpenCodeUsage.Storage;

/// <summary>Which OpenCode wrote a database, told from its tables and columns (never from a version string).</summary>
internal enum StorageGeneration
{
    /// <summary>No table we know holds sessions.</summary>
    Unknown,

    /// <summary>OpenCode 1.x: <c>session</c>, <c>message</c>, <c>part</c>.</summary>
    V1,

    /// <summary>The 2.0 preview: the 1.x <c>session</c> table, messages in <c>session_message</c>.</summary>
    V2Preview,

    /// <summary>OpenCode 2.x on a fresh database: <c>session_v2</c> and <c>session_message</c>, no 1.x tables.</summary>
    V2,

    /// <summary>A 1.x database 2.x migrated: both sets, merged by session id and by message id.</summary>
    Migrated,
}

/// <summary>
/// The one place where the generations differ: which tables hold sessions and messages, in what shape, and the
/// SQL that reads them. Everything else reads through this, so a new generation is added here only.
/// </summary>
internal sealed class StorageLayout
{
    public const string V1Sessions = "session";
    public const string V2Sessions = "session_v2";
    public const string V1Messages = "message";
    public const string V2Messages = "session_message";

    private readonly DatabaseSchema _schema;

    private StorageLayout(DatabaseSchema schema, StorageGeneration generation)
    {
        _schema = schema;
        Generation = generation;
        var hasV1Sessions = schema.HasAll(V1Sessions, "id", "time_created");
        var hasV2Sessions = schema.HasAll(V2Sessions, "id", "time_created");
        var hasV1Messages = schema.HasAll(V1Messages, "id", "session_id", "data");
        var hasV2Messages = schema.HasAll(V2Messages, "id", "session_id", "data");
        SessionTables = [.. new[] { hasV2Sessions ? V2Sessions : null, hasV1Sessions ? V1Sessions : null }.OfType<string>()];
        // The table that holds the bulk of the rows is read by rowid (new rows, parallel slices); the other, where
        // there is one, is read for the rows the first lacks.
        PrimaryMessages = hasV1Messages ? V1Messages : hasV2Messages ? V2Messages : null;
        SecondaryMessages = hasV1Messages && hasV2Messages ? V2Messages : null;
    }

    public StorageGeneration Generation { get; }

    /// <summary>Session tables, the 2.x one first; empty when the database has none we know.</summary>
    public IReadOnlyList<string> SessionTables { get; }

    public bool HasSessions => SessionTables.Count > 0;

    /// <summary>The message table read by rowid, or null.</summary>
    public string? PrimaryMessages { get; }

    /// <summary>A second message table (2.x's beside 1.x's), read for the message ids the primary lacks; or null.</summary>
    public string? SecondaryMessages { get; }

    /// <summary>Rows of <paramref name="table"/> are 2.x-shaped: kind in a <c>type</c> column, tokens without total, output without reasoning.</summary>
    public static bool IsV2Shaped(string table) => table.Equals(V2Messages, StringComparison.OrdinalIgnoreCase);

    public static StorageLayout Of(DatabaseSchema schema)
    {
        var v1Sessions = schema.HasAll(V1Sessions, "id", "time_created");
        var v2Sessions = schema.HasAll(V2Sessions, "id", "time_created");
        var v1Messages = schema.HasTable(V1Messages);
        var v2Messages = schema.HasAll(V2Messages, "id", "session_id", "data");
        var generation = (v1Sessions, v2Sessions) switch
        {
            (true, true) => StorageGeneration.Migrated,
            (false, true) => StorageGeneration.V2,
            // The preview kept the 1.x tables and wrote session_message: where both exist, its rows tell (SqliteStore.Generation).
            (true, false) => !v1Messages && v2Messages ? StorageGeneration.V2Preview : StorageGeneration.V1,
            _ => StorageGeneration.Unknown,
        };
        return new StorageLayout(schema, generation);
    }

    private string Col(string table, string alias, string column) =>
        _schema.Has(table, column) ? $"{alias}.{DatabaseSchema.Quote(column)}" : "NULL";

    /// <summary>The session columns in the order <see cref="SessionColumn"/> numbers them.</summary>
    private string[] SessionColumnList(string? v2, string? v1)
    {
        string Pick(string column) => (v2, v1) switch
        {
            (not null, not null) => $"coalesce({Col(V2Sessions, "v", column)}, {Col(V1Sessions, "s", column)})",
            (not null, null) => Col(V2Sessions, "v", column),
            _ => Col(V1Sessions, "s", column),
        };
        string V2Only(string column) => v2 is null ? "NULL" : Col(V2Sessions, "v", column);
        string Updated(string alias, string table) =>
            _schema.Has(table, "time_updated") ? $"coalesce({alias}.time_updated, {alias}.time_created)" : $"{alias}.time_created";
        var updated = (v2, v1) switch
        {
            // A 1.x client may go on writing a migrated session: it was last updated by whichever wrote last.
            (not null, not null) => $"max({Updated("v", V2Sessions)}, coalesce({Updated("s", V1Sessions)}, 0))",
            (not null, null) => Updated("v", V2Sessions),
            _ => Updated("s", V1Sessions),
        };
        return
        [
            v2 is not null ? "v.id" : "s.id", Pick("project_id"), Pick("parent_id"), Pick("title"), Pick("directory"), Pick("version"),
            Pick("agent"), Pick("model"), v2 is not null ? "v.time_created" : "s.time_created", updated, Pick("time_archived"),
            V2Only("fork_session_id"), V2Only("time_idle"), V2Only("idle_outcome"),
            v2 is null ? "0" : "1", V2Only("cost"), V2Only("tokens_input"), V2Only("tokens_output"), V2Only("tokens_reasoning"),
            V2Only("tokens_cache_read"), V2Only("tokens_cache_write"), V2Only("time_updated"),
        ];
    }

    private string SessionColumns(string? v2, string? v1, bool idsOnly = false)
    {
        var columns = SessionColumnList(v2, v1);
        return idsOnly ? $"{columns[SessionColumn.Id]}, {columns[SessionColumn.Updated]}" : string.Join(", ", columns);
    }

    /// <summary>
    /// Every session, one row each: the 2.x rows (with what the 1.x row of the same id adds), then the 1.x rows 2.x
    /// does not know. Table order, so the rows come back in the same order each time (see <see cref="Digest.InStepWalk"/>).
    /// With <paramref name="idsOnly"/>, only (id, last update).
    /// </summary>
    public string SessionsSql(bool idsOnly)
    {
        var has1 = SessionTables.Contains(V1Sessions);
        var has2 = SessionTables.Contains(V2Sessions);
        return (has2, has1) switch
        {
            (true, true) =>
                $"SELECT {SessionColumns(V2Sessions, V1Sessions, idsOnly)} FROM {V2Sessions} v LEFT JOIN {V1Sessions} s ON s.id = v.id " +
                $"UNION ALL SELECT {SessionColumns(null, V1Sessions, idsOnly)} FROM {V1Sessions} s WHERE s.id NOT IN (SELECT id FROM {V2Sessions})",
            (true, false) => $"SELECT {SessionColumns(V2Sessions, null, idsOnly)} FROM {V2Sessions} v",
            (false, true) => $"SELECT {SessionColumns(null, V1Sessions, idsOnly)} FROM {V1Sessions} s",
            _ => throw new InvalidOperationException("No session table."),
        };
    }

    /// <summary>The sessions with the given id (bound as ?1), through each table's primary key.</summary>
    public string SessionByIdSql()
    {
        var has1 = SessionTables.Contains(V1Sessions);
        var has2 = SessionTables.Contains(V2Sessions);
        return (has2, has1) switch
        {
            (true, true) =>
                $"SELECT {SessionColumns(V2Sessions, V1Sessions)} FROM {V2Sessions} v LEFT JOIN {V1Sessions} s ON s.id = v.id WHERE v.id = ?1 " +
                $"UNION ALL SELECT {SessionColumns(null, V1Sessions)} FROM {V1Sessions} s WHERE s.id = ?1 AND s.id NOT IN (SELECT id FROM {V2Sessions} WHERE id = ?1)",
            (true, false) => $"SELECT {SessionColumns(V2Sessions, null)} FROM {V2Sessions} v WHERE v.id = ?1",
            (false, true) => $"SELECT {SessionColumns(null, V1Sessions)} FROM {V1Sessions} s WHERE s.id = ?1",
            _ => throw new InvalidOperationException("No session table."),
        };
    }

    /// <summary>
    /// The rows of a message table: (session_id, id, time_created, data, type, rowid). The secondary table gives only
    /// the ids the primary lacks: the migration copied 1.x messages keeping their ids, so a copy is one message.
    /// </summary>
    public string MessagesSql(string table, string where)
    {
        var alias = "m";
        var time = Col(table, alias, "time_created");
        var type = Col(table, alias, "type");
        var shadowed = table == SecondaryMessages
            ? $"{(where.Length == 0 ? " WHERE" : " AND")} NOT EXISTS (SELECT 1 FROM {PrimaryMessages} p WHERE p.id = m.id)"
            : string.Empty;
        return $"SELECT m.session_id, m.id, {time}, m.data, {type}, m.rowid FROM {DatabaseSchema.Quote(table)} m{where}{shadowed}";
    }

    /// <summary>Rows of a message table counted as <see cref="MessagesSql"/> reads them, optionally per session.</summary>
    public string CountSql(string table, bool perSession)
    {
        var shadowed = table == SecondaryMessages ? $" WHERE NOT EXISTS (SELECT 1 FROM {PrimaryMessages} p WHERE p.id = m.id)" : string.Empty;
        return perSession
            ? $"SELECT m.session_id, count(*) FROM {DatabaseSchema.Quote(table)} m{shadowed} GROUP BY m.session_id"
            : $"SELECT count(*) FROM {DatabaseSchema.Quote(table)} m{shadowed}";
    }
}

/// <summary>Positions of the columns <see cref="StorageLayout.SessionsSql"/> and <see cref="StorageLayout.SessionByIdSql"/> return.</summary>
internal static class SessionColumn
{
    public const int Id = 0, ProjectId = 1, ParentId = 2, Title = 3, Directory = 4, Version = 5, Agent = 6, Model = 7,
        Created = 8, Updated = 9, Archived = 10, ForkSessionId = 11, TimeIdle = 12, IdleOutcome = 13,
        HasV2 = 14, Cost = 15, Input = 16, Output = 17, Reasoning = 18, CacheRead = 19, CacheWrite = 20, V2Updated = 21;
}
