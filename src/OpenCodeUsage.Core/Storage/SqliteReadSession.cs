using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace OpenCodeUsage.Storage;

/// <summary>
/// The one way this module reads an OpenCode database: a read-only connection (<see cref="SqliteConnector"/>),
/// optionally one deferred read transaction so every statement sees the same snapshot, and every SQLite failure
/// turned into our error through <see cref="SqliteErrors"/>. Usage, sessions, the digest, the watch, stats and
/// credentials all read through it; disposing it ends the transaction and closes the connection.
/// </summary>
internal sealed class SqliteReadSession : IDisposable
{
    private DatabaseSchema? _schema;

    private SqliteReadSession(string path, SqliteConnection connection, bool snapshot, int? cacheKiB)
    {
        Path = path;
        Connection = connection;
        if (cacheKiB is { } kib)
        {
            using var cache = connection.CreateCommand();
            cache.CommandText = $"PRAGMA cache_size = -{kib}";
            cache.ExecuteNonQuery();
        }

        // Deferred: a plain BEGIN takes a write lock in Microsoft.Data.Sqlite; we only ever read.
        Transaction = snapshot ? connection.BeginTransaction(deferred: true) : null;
    }

    public string Path { get; }

    public SqliteConnection Connection { get; }

    /// <summary>The snapshot every statement reads, or null where each statement reads on its own.</summary>
    public SqliteTransaction? Transaction { get; }

    /// <summary>The tables and columns as this session sees them, read once.</summary>
    public DatabaseSchema Schema => _schema ??= Guard(() => DatabaseSchema.Read(Connection));

    /// <param name="snapshot">One read transaction for the whole session (false: no transaction stays open between statements).</param>
    /// <param name="cacheKiB">A page cache other than SQLite's default, for scans that read each page once.</param>
    public static SqliteReadSession Open(string path, bool snapshot = true, int? cacheKiB = null)
    {
        var connection = SqliteConnector.OpenReadOnly(path);
        try
        {
            return new SqliteReadSession(path, connection, snapshot, cacheKiB);
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw SqliteErrors.From(ex, path);
        }
    }

    /// <summary>SQLite's schema version, which moves with every migration.</summary>
    public long SchemaVersion()
    {
        long version = 0;
        Query("PRAGMA schema_version", r => version = r.GetInt64(0));
        return version;
    }

    /// <summary>Runs <paramref name="sql"/> once; parameters the text does not name are left out.</summary>
    public void Query(string sql, Action<SqliteDataReader> row, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql);
        foreach (var (name, value) in parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        Guard(() =>
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                row(reader);
            }

            return 0;
        });
    }

    /// <summary>Runs one prepared statement once per value of its one text parameter (primary-key lookups).</summary>
    public void QueryEach(string sql, string name, IEnumerable<string> values, Action<SqliteDataReader> row)
    {
        using var command = Command(sql);
        var parameter = command.Parameters.Add(name, SqliteType.Text);
        Guard(() =>
        {
            foreach (var value in values)
            {
                parameter.Value = value;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    row(reader);
                }
            }

            return 0;
        });
    }

    /// <summary>A raw statement over SQLite's own buffers, for scans where a copy per row costs; the caller disposes it.</summary>
    public sqlite3_stmt Prepare(string sql, string what)
    {
        var rc = raw.sqlite3_prepare_v2(Connection.Handle!, sql, out sqlite3_stmt statement);
        if (rc != raw.SQLITE_OK)
        {
            statement.Dispose();
            throw Failure(rc, what);
        }

        return statement;
    }

    /// <summary>What a raw statement's result code <paramref name="rc"/> means, in the words of the one map.</summary>
    public OpenCodeUsageException Failure(int rc, string what) =>
        SqliteErrors.From(rc, raw.sqlite3_errmsg(Connection.Handle!).utf8_to_string(), Path, what);

    public void Commit() => Guard(() =>
    {
        Transaction?.Commit();
        return 0;
    });

    public void Dispose()
    {
        Transaction?.Dispose();
        Connection.Dispose();
    }

    private SqliteCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    private T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.From(ex, Path);
        }
    }
}
