namespace OpenCodeUsage.Digest;

/// <summary>
/// Size, times and identity of a database and its -wal file. SQLite changes one of them on every write and
/// every checkpoint; a replaced or restored file changes its inode or status-change time (see
/// <see cref="FileChange"/>), so an equal stamp means an unchanged store.
/// </summary>
internal readonly record struct FileStamp(
    long Length, long Modified, long Created, ulong Inode, long Changed,
    long WalLength, long WalModified, long WalCreated, ulong WalInode, long WalChanged)
{
    public static FileStamp Of(string database)
    {
        // The stamp of the file SQLite reads: a link's own -wal would never exist.
        database = ResolveLinks(database);
        var (length, modified, created, inode, changed) = Part(database);
        var (walLength, walModified, walCreated, walInode, walChanged) = Part(database + "-wal");
        return new FileStamp(length, modified, created, inode, changed, walLength, walModified, walCreated, walInode, walChanged);
    }

    private static string ResolveLinks(string path)
    {
        try
        {
            return Storage.SqliteConnector.ResolveLinks(path);
        }
        catch (IOException)
        {
            return path; // a loop or a dangling link: stamped as it is, and its read reports why
        }
    }

    private static (long, long, long, ulong, long) Part(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            return (-1, 0, 0, 0, 0);
        }

        var (inode, changed) = FileChange.Of(path);
        return (file.Length, file.LastWriteTimeUtc.Ticks, file.CreationTimeUtc.Ticks, inode, changed);
    }
}
