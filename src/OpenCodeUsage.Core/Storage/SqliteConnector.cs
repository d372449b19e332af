using Microsoft.Data.Sqlite;
using OpenCodeUsage.IO;

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
        // SQLite opens a FIFO or device with a blocking open(2) no cancellation reaches: refuse anything but a file.
        string target;
        try
        {
            RegularFile.EnsureRegular(path);
            target = ResolveLinks(path);
        }
        catch (IOException ex)
        {
            throw new OpenCodeUsageException("DatabaseUnreadable", FailureKind.ReadFailed, ex.Message, path, ex);
        }

        // Every -wal/-shm/-journal decision is about the files beside the real database, not beside a link to it:
        // SQLite itself follows the link, and a link's folder holds no -wal even while the target's is full of rows.
        // No -wal file means no writer has the database open in WAL mode and every row is in the main
        // file: immutable mode then reads it without creating -wal/-shm beside OpenCode's files.
        var walExists = File.Exists(target + "-wal");
        // A -journal file means a rollback-mode writer may be mid-commit: immutable mode would ignore its lock and
        // could read half-written pages, so take the normal shared lock (and wait, then fail, while it is held).
        var journalExists = File.Exists(target + "-journal");
        try
        {
            if (walExists && !File.Exists(target + "-shm"))
            {
                // A -wal left without its -shm (OpenCode killed, files copied): opening it in place would create the
                // -shm in OpenCode's folder, and immutable mode would ignore the WAL's rows. No writer has it open
                // (a writer keeps the -shm), so a private copy of the two reads exactly what OpenCode will see.
                return WalSnapshot.Open(target, snapshot => Open(snapshot, immutable: false));
            }

            var immutable = !walExists && !journalExists;
            var connection = Open(target, immutable);
            if (!immutable && walExists)
            {
                WalIndexKeeper.Touch(path, () => Open(target, immutable: false));
            }

            return connection;
        }
        catch (SqliteException ex) when (walExists && IsCannotOpen(ex))
        {
            // A read-only folder without -shm: the WAL cannot be shared, so read the main file alone.
            return Open(target, immutable: true);
        }
        catch (SqliteException ex)
        {
            throw Describe(ex, path);
        }
    }

    /// <summary>The file <paramref name="path"/> finally names, every symbolic link on the way followed.</summary>
    internal static string ResolveLinks(string path)
    {
        var full = Path.GetFullPath(path);
        // Links in the folders above do not matter: -wal sits beside the file under whatever folder name.
        return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
    }

    private static SqliteConnection Open(string path, bool immutable)
    {
        SqliteProcessSettings.EnsureApplied();
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
