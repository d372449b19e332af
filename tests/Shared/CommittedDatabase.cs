namespace OpenCodeUsage.Tests;

/// <summary>
/// How a test opens a database of the repository's: immutable, so SQLite leaves no -wal or -shm beside a
/// committed file (a read-only open of a WAL database creates both, and the next run reads them).
/// </summary>
internal static class CommittedDatabase
{
    public static string ConnectionString(string path) =>
        $"Data Source={new Uri(Path.GetFullPath(path)).AbsoluteUri}?immutable=1;Mode=ReadOnly;Pooling=False";
}
