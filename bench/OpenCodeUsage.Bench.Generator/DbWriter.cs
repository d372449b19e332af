using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>The columns of a <c>session</c> row that vary; the rest are written as OpenCode leaves them.</summary>
internal sealed record SessionRow(
    string Id, string ProjectId, string? ParentId, string Slug, string Directory, string Title, string? Permission,
    string Agent, string ModelJson, long Created, long Updated, Totals Totals);

/// <summary>
/// Writes rows with one prepared statement per table inside one transaction. During generation there is
/// no journal and no syncing (a half-written benchmark database is simply generated again); at the end the
/// database is switched to WAL, as OpenCode keeps it, and checkpointed.
/// </summary>
internal sealed class DbWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteCommand _message;
    private readonly SqliteCommand _part;
    private readonly SqliteCommand _event;
    private readonly SqliteCommand _eventSequence;
    private readonly SqliteCommand _session;

    public DbWriter(string path, SchemaTemplate schema, long migrationsCompleted)
    {
        _connection = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-524288; PRAGMA temp_store=MEMORY;");
        foreach (var statement in schema.Statements)
        {
            Execute(statement);
        }

        _transaction = _connection.BeginTransaction();
        WriteMigrations(schema, migrationsCompleted);
        _message = Prepare("INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ($p1, $p2, $p3, $p4, $p5)", 5);
        _part = Prepare("INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ($p1, $p2, $p3, $p4, $p5, $p6)", 6);
        _event = Prepare("INSERT INTO event (id, aggregate_id, seq, type, data) VALUES ($p1, $p2, $p3, $p4, $p5)", 5);
        _eventSequence = Prepare("INSERT INTO event_sequence (aggregate_id, seq, owner_id) VALUES ($p1, $p2, NULL)", 2);
        _session = Prepare(
            """
            INSERT INTO session (id, project_id, workspace_id, parent_id, slug, directory, path, title, version, share_url,
              summary_additions, summary_deletions, summary_files, summary_diffs, metadata, cost, tokens_input, tokens_output,
              tokens_reasoning, tokens_cache_read, tokens_cache_write, revert, permission, agent, model, time_created,
              time_updated, time_compacting, time_archived)
            VALUES ($p1, $p2, NULL, $p3, $p4, $p5, '', $p6, '1.18.33', NULL, 0, 0, 0, NULL, NULL, $p7, $p8, $p9, $p10, $p11, $p12,
              NULL, $p13, $p14, $p15, $p16, $p17, NULL, NULL)
            """, 17);
    }

    public long Messages { get; private set; }
    public long Parts { get; private set; }
    public long Events { get; private set; }

    public void Message(string id, string sessionId, long created, long updated, string data)
    {
        Run(_message, id, sessionId, created, updated, data);
        Messages++;
    }

    public void Part(string id, string messageId, string sessionId, long created, long updated, string data)
    {
        Run(_part, id, messageId, sessionId, created, updated, data);
        Parts++;
    }

    public void Event(string id, string aggregateId, long seq, string type, string data)
    {
        Run(_event, id, aggregateId, seq, type, data);
        Events++;
    }

    public void EventSequence(string aggregateId, long lastSeq) => Run(_eventSequence, aggregateId, lastSeq);

    public void Session(SessionRow row)
    {
        var t = row.Totals;
        Run(_session, row.Id, row.ProjectId, (object?)row.ParentId ?? DBNull.Value, row.Slug, row.Directory, row.Title,
            (double)t.Cost, t.Input, t.Output, t.Reasoning, t.CacheRead, t.CacheWrite,
            (object?)row.Permission ?? DBNull.Value, row.Agent, row.ModelJson, row.Created, row.Updated);
    }

    public void Project(string id, string worktree, string? vcs, long created, long updated)
    {
        using var command = Prepare(
            "INSERT INTO project (id, worktree, vcs, name, icon_url, icon_url_override, icon_color, time_created, time_updated, time_initialized, sandboxes, commands) " +
            "VALUES ($p1, $p2, $p3, NULL, NULL, NULL, NULL, $p4, $p5, NULL, '[]', NULL)", 5);
        Run(command, id, worktree, (object?)vcs ?? DBNull.Value, created, updated);
        if (vcs is not null)
        {
            using var directory = Prepare(
                "INSERT INTO project_directory (project_id, directory, type, strategy, time_created) VALUES ($p1, $p2, NULL, NULL, $p3)", 3);
            Run(directory, id, worktree, created);
        }
    }

    /// <summary>Commits, switches to WAL as OpenCode runs it, checkpoints, and closes.</summary>
    public void Finish()
    {
        _transaction.Commit();
        Execute("PRAGMA journal_mode=WAL;");
        Execute("PRAGMA wal_checkpoint(TRUNCATE);");
    }

    public void Dispose()
    {
        foreach (var command in new[] { _message, _part, _event, _eventSequence, _session })
        {
            command.Dispose();
        }

        _transaction.Dispose();
        _connection.Dispose();
    }

    private void WriteMigrations(SchemaTemplate schema, long completed)
    {
        // Keep the real ids and their spacing; move the times to just before the generated history.
        using var command = Prepare("INSERT INTO migration (id, time_completed) VALUES ($p1, $p2)", 2);
        var first = schema.Migrations.Count == 0 ? 0 : schema.Migrations[0].TimeCompleted;
        foreach (var (id, time) in schema.Migrations)
        {
            Run(command, id, completed + (time - first));
        }
    }

    private SqliteCommand Prepare(string sql, int parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter("$p" + i, null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
