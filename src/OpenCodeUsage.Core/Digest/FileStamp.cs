namespace OpenCodeUsage.Digest;

/// <summary>
/// Size and times of a database and its -wal file. SQLite changes one of them on every write and every
/// checkpoint, and a replaced or restored file changes them too, so an equal stamp means an unchanged store.
/// </summary>
internal readonly record struct FileStamp(long Length, long Modified, long Changed, long WalLength, long WalModified, long WalChanged)
{
    public static FileStamp Of(string database)
    {
        var db = new FileInfo(database);
        var wal = new FileInfo(database + "-wal");
        return new FileStamp(
            db.Exists ? db.Length : -1, db.Exists ? db.LastWriteTimeUtc.Ticks : 0, db.Exists ? db.CreationTimeUtc.Ticks : 0,
            wal.Exists ? wal.Length : -1, wal.Exists ? wal.LastWriteTimeUtc.Ticks : 0, wal.Exists ? wal.CreationTimeUtc.Ticks : 0);
    }
}
