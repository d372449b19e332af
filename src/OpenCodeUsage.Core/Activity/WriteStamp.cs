namespace OpenCodeUsage.Activity;

/// <summary>
/// Sizes and write times of a database and its -wal file: every write OpenCode makes moves one of them. Unlike the
/// digest's stamp it leaves out creation/change times, which our own read-only opens move (SQLite, running as
/// root, chowns the -wal and -shm it opens): a watch that counted those would wake itself up, read, and wake itself
/// again.
/// </summary>
internal readonly record struct WriteStamp(long Length, long Modified, long WalLength, long WalModified)
{
    public static WriteStamp Of(string database)
    {
        // Beside the file a link names, where OpenCode's writes land.
        try
        {
            database = Storage.SqliteConnector.ResolveLinks(database);
        }
        catch (IOException)
        {
            // a loop or a dangling link: stamped as it is
        }

        var db = new FileInfo(database);
        var wal = new FileInfo(database + "-wal");
        return new WriteStamp(
            db.Exists ? db.Length : -1, db.Exists ? db.LastWriteTimeUtc.Ticks : 0,
            wal.Exists ? wal.Length : -1, wal.Exists ? wal.LastWriteTimeUtc.Ticks : 0);
    }
}
