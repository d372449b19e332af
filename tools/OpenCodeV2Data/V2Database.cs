using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace OpenCodeV2Data;

/// <summary>Which session table a database keeps, and in which column order.</summary>
public enum Shape
{
    /// <summary>A fresh 2.0.x database: session_v2 in the order of schema/2.0-session.sql.</summary>
    Native,

    /// <summary>2.0.x upgraded through the betas: session_v2 in the order of schema/2.0.3-session_v2-upgraded.sql.</summary>
    UpgradedColumns,

    /// <summary>The 2.0 preview (lildax): the 1.x `session` table, rows in session_message.</summary>
    Preview,
}

/// <summary>
/// Writes an OpenCode 2.x database the way 2.x does: one durable event per change, each taking the next
/// event_sequence seq of its session; an assistant row inserted at step start and rewritten in place; the session's
/// cost/tokens columns added to at every step end and by usage no row carries. Every charge goes to the ledger.
/// </summary>
public sealed class V2Database : IDisposable
{
    readonly SqliteConnection connection;
    readonly Ids ids;

    V2Database(SqliteConnection connection, string sessionTable, Ids ids)
    {
        this.connection = connection;
        SessionTable = sessionTable;
        this.ids = ids;
    }

    /// <summary>session_v2, or `session` in the preview.</summary>
    public string SessionTable { get; }

    public Ledger Ledger { get; } = new();

    /// <summary>session_message rows now in the database (inserted, copied, minus reverted), as written through here.</summary>
    public long RowCount { get; internal set; }

    bool bulk;

    /// <summary>For large databases: no journal, no syncing, one transaction until <see cref="EndBulk"/>.</summary>
    public void Bulk()
    {
        Execute("PRAGMA journal_mode=OFF");
        Execute("PRAGMA synchronous=OFF");
        Execute("BEGIN");
        bulk = true;
    }

    /// <summary>Commits; with <paramref name="wal"/> leaves the database in WAL mode, checkpointed, as OpenCode keeps it.</summary>
    public void EndBulk(bool wal)
    {
        Execute("COMMIT");
        bulk = false;
        Execute("PRAGMA synchronous=NORMAL");
        if (wal) Execute("PRAGMA journal_mode=WAL");
        Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        keepJournal = wal;
    }

    bool keepJournal;

    internal Ids Ids => ids;

    /// <summary>Creates <paramref name="path"/> (which must not exist) with the committed DDL of <paramref name="shape"/>.</summary>
    public static V2Database Create(string path, Shape shape, int seed)
    {
        if (File.Exists(path)) throw new IOException("exists already: " + path);
        var db = new V2Database(Open(path), shape == Shape.Preview ? "session" : "session_v2", new Ids(seed));
        IEnumerable<string> ddl = shape switch
        {
            Shape.Preview => Ddl.Preview,
            Shape.UpgradedColumns => Ddl.Native.Select(s => s.StartsWith("CREATE TABLE `session_v2`", StringComparison.Ordinal)
                ? Ddl.Statements("2.0.3-session_v2-upgraded.sql").Single() : s),
            _ => Ddl.Native,
        };
        foreach (var statement in ddl) db.Execute(statement);
        if (shape == Shape.Preview)
        {
            foreach (var line in Ddl.PreviewMigrations)
                db.Execute("INSERT INTO migration (id, time_completed) VALUES ($id, $t)", ("$id", line.Id), ("$t", line.Time));
        }
        return db;
    }

    /// <summary>Opens an existing database to write 2.x rows into it; its session table is session_v2 when it has one
    /// (or <paramref name="sessionTable"/>: a 1.x database about to be migrated), else the preview's `session`.</summary>
    public static V2Database Attach(string path, int seed, string? sessionTable = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException("no database", path);
        var connection = Open(path);
        using var probe = connection.CreateCommand();
        probe.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'session_v2'";
        var hasV2 = Convert.ToInt64(probe.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
        return new(connection, sessionTable ?? (hasV2 ? "session_v2" : "session"), new Ids(seed));
    }

    static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        if (bulk) Execute("COMMIT");
        // One file, nothing left in a -wal: the committed data sets are single .db files (bench keeps WAL).
        if (!keepJournal) Execute("PRAGMA journal_mode=DELETE");
        connection.Dispose();
    }

    public void Project(string id, string worktree, long time, string? vcs = "git")
    {
        var hasActive = Columns("project").Contains("time_active");
        Execute($"INSERT INTO project (id, worktree, vcs, time_created, time_updated, time_initialized, sandboxes{(hasActive ? ", time_active" : "")}) " +
                $"VALUES ($id, $w, $v, $t, $t, $t, '[]'{(hasActive ? ", $t" : "")})", ("$id", id), ("$w", worktree), ("$v", vcs), ("$t", time));
    }

    /// <summary>A new session: its row (totals 0) and the first event of its sequence.</summary>
    public V2Session Session(string projectId, string directory, long at, string? parentId = null, string agent = "build",
        Model? model = null, string? title = null, string version = "2.0.18")
    {
        var id = ids.Session(at);
        var modelJson = model is null ? null : ModelJson(model, withVariant: true).ToJsonString();
        var slug = ids.Slug();
        Execute($"INSERT INTO {SessionTable} (id, project_id, parent_id, slug, directory, path, title, version, agent, model, time_created, time_updated) " +
                "VALUES ($id, $p, $parent, $slug, $dir, '', $title, $v, $agent, $model, $t, $t)",
            ("$id", id), ("$p", projectId), ("$parent", parentId), ("$slug", slug), ("$dir", directory),
            ("$title", title ?? (SessionTable == "session" ? "New session - " + at : null)), ("$v", version), ("$agent", agent), ("$model", modelJson), ("$t", at));
        NextSeq(id);
        return new V2Session(this, id, projectId, agent, model);
    }

    /// <summary>A session that exists already (a migrated one), to add 2.x turns to.</summary>
    public V2Session Existing(string id)
    {
        var project = (string)Scalar($"SELECT project_id FROM {SessionTable} WHERE id = $id", ("$id", id))!;
        var agent = Scalar($"SELECT agent FROM {SessionTable} WHERE id = $id", ("$id", id)) as string ?? "build";
        return new V2Session(this, id, project, agent, null);
    }

    public static JsonObject ModelJson(Model model, bool withVariant = false)
    {
        var json = new JsonObject { ["id"] = model.Id, ["providerID"] = model.ProviderId };
        if (withVariant) json["variant"] = "default";
        return json;
    }

    /// <summary>The next seq of the session's event sequence (0 for its first event), as the projector takes it.</summary>
    internal long NextSeq(string sessionId) =>
        (long)Scalar("INSERT INTO event_sequence (aggregate_id, seq) VALUES ($id, 0) " +
                     "ON CONFLICT (aggregate_id) DO UPDATE SET seq = seq + 1 RETURNING seq", ("$id", sessionId))!;

    internal void SetSeq(string sessionId, long seq) =>
        Execute("INSERT INTO event_sequence (aggregate_id, seq) VALUES ($id, $s) ON CONFLICT (aggregate_id) DO UPDATE SET seq = $s",
            ("$id", sessionId), ("$s", seq));

    public void Credential(string integrationId, string label, JsonObject value, string? methodId, bool active, long at)
    {
        Execute("INSERT INTO credential (id, integration_id, label, value, method_id, active, time_created, time_updated) " +
                "VALUES ($id, $i, $l, $v, $m, $a, $t, $t)",
            ("$id", ids.Next("crd", at)), ("$i", integrationId), ("$l", label), ("$v", value.ToJsonString()), ("$m", methodId),
            ("$a", active ? 1 : 0), ("$t", at));
    }

    public void Kv(string key, JsonNode value, long at) =>
        Execute("INSERT INTO kv (key, value, time_created, time_updated) VALUES ($k, $v, $t, $t) " +
                "ON CONFLICT (key) DO UPDATE SET value = $v, time_updated = $t", ("$k", key), ("$v", value.ToJsonString()), ("$t", at));

    internal HashSet<string> Columns(string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    internal int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    internal object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    internal List<object?[]> Rows(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}
