using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Storage;

/// <summary>
/// Opens OpenCode's database for reading only, the way that disturbs OpenCode least: never for writing,
/// no pooled handles left open, and without creating -wal/-shm files that were not there.
/// </summary>
internal static class SqliteConnector
{
    /// <summary>Opens <paramref name="path"/> read-only. The caller keeps transactions short and disposes the connection.</summary>
    public static SqliteConnection OpenReadOnly(string path)
    {
        // No -wal file means no writer has the database open in WAL mode and every row is in the main
        // file: immutable mode then reads it without creating -wal/-shm beside OpenCode's files.
        var walExists = File.Exists(path + "-wal");
        // A -journal file means a rollback-mode writer may be mid-commit: immutable mode would ignore its lock and
        // could read half-written pages, so take the normal shared lock (and wait, then fail, while it is held).
        var journalExists = File.Exists(path + "-journal");
        try
        {
            var immutable = !walExists && !journalExists;
            var connection = Open(path, immutable);
            if (!immutable && walExists)
            {
                WalIndexKeeper.Touch(path, () => Open(path, immutable: false));
            }

            return connection;
        }
        catch (SqliteException ex) when (walExists && IsCannotOpen(ex))
        {
            // A read-only folder without -shm: the WAL cannot be shared, so read the main file alone.
            return Open(path, immutable: true);
        }
        catch (SqliteException ex)
        {
            throw Describe(ex, path);
        }
    }

    private static SqliteConnection Open(string path, bool immutable)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? new Uri(Path.GetFullPath(path)).AbsoluteUri + "?immutable=1" : path,
            Mode = SqliteOpenMode.ReadOnly,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            DefaultTimeout = 5,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            // Touch the schema now so a file that is not a database fails here, with its path.
            using var probe = connection.CreateCommand();
            probe.CommandText = "SELECT count(*) FROM sqlite_master";
            probe.ExecuteScalar();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool IsCannotOpen(SqliteException ex) =>
        ex.SqliteErrorCode is 14 /* CANTOPEN */ or 8 /* READONLY */ || (ex.SqliteExtendedErrorCode & 0xff) is 14 or 8;

    /// <summary>Turns SQLite's error into one that names the file and says what to do (the one map, <see cref="SqliteErrors"/>).</summary>
    internal static OpenCodeUsageException Describe(SqliteException ex, string path) => SqliteErrors.From(ex, path);
}
