using Microsoft.Data.Sqlite;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Storage;

/// <summary>
/// A private copy of a database and its -wal, read where SQLite may make the -shm it needs: in a folder only we can
/// open, removed when the connection closes. Only for a -wal without its -shm, which no live writer leaves.
/// </summary>
internal static class WalSnapshot
{
    public static SqliteConnection Open(string database, Func<string, SqliteConnection> open)
    {
        // CreateTempSubdirectory makes the folder owner-only (mkdtemp) on Unix.
        var folder = Directory.CreateTempSubdirectory("ocu-wal-").FullName;
        try
        {
            var copy = Path.Combine(folder, "opencode.db");
            Copy(database, copy);
            Copy(database + "-wal", copy + "-wal");
            var connection = open(copy);
            connection.Disposed += (_, _) => Remove(folder);
            return connection;
        }
        catch
        {
            Remove(folder);
            throw;
        }
    }

    private static void Copy(string from, string to)
    {
        using var source = RegularFile.OpenRead(from, 1 << 16);
        using var target = new FileStream(to, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        });
        source.CopyTo(target);
    }

    private static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only litter in the temp folder.
        }
    }
}
