using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Storage;

/// <summary>
/// Keeps one idle read-only connection open to each WAL database we read, until we have not read it for a while.
/// </summary>
/// <remarks>
/// When no process has a WAL database open, the next connection to open it resets the -shm file and rebuilds the
/// WAL index from the whole -wal file, holding SQLite's recovery lock meanwhile. OpenCode starts by running
/// <c>PRAGMA journal_mode = WAL</c> before it sets its busy timeout, so an OpenCode process starting during such a
/// rebuild fails at once with "database is locked". Without this keeper every one of our calls, and every poll of a
/// watch, rebuilds the index whenever OpenCode is not running. With it only the first does. The idle connection
/// holds no transaction, so it never holds back OpenCode's checkpoints; it only keeps the index alive.
/// </remarks>
internal static class WalIndexKeeper
{
    private static readonly Dictionary<string, Kept> s_kept = new(StringComparer.Ordinal);
    private static readonly Timer s_sweeper = new(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
    private static TimeSpan s_idleLimit = TimeSpan.FromSeconds(10);

    /// <summary>How long a database goes unread before its connection is closed: covers loops, scripts and watches.</summary>
    internal static TimeSpan IdleLimit
    {
        get => s_idleLimit;
        set
        {
            lock (s_kept)
            {
                s_idleLimit = value;
                if (s_kept.Count > 0)
                {
                    s_sweeper.Change(value, Timeout.InfiniteTimeSpan);
                }
            }
        }
    }

    /// <summary>Whether a connection to <paramref name="path"/> is kept now.</summary>
    internal static bool IsKept(string path)
    {
        lock (s_kept)
        {
            return s_kept.ContainsKey(Path.GetFullPath(path));
        }
    }

    /// <summary>
    /// Notes a read of <paramref name="path"/>; the first read opens the keeping connection with <paramref name="open"/>.
    /// Called while the caller's own connection is open, so opening this one never rebuilds the index.
    /// </summary>
    public static void Touch(string path, Func<SqliteConnection> open)
    {
        var key = Path.GetFullPath(path);
        lock (s_kept)
        {
            if (s_kept.TryGetValue(key, out var kept))
            {
                kept.LastUse = Environment.TickCount64;
                return;
            }
        }

        SqliteConnection connection;
        try
        {
            connection = open();
        }
        catch (SqliteException)
        {
            return; // only a courtesy to OpenCode: the caller's own read goes on
        }

        lock (s_kept)
        {
            if (!s_kept.TryAdd(key, new Kept(connection) { LastUse = Environment.TickCount64 }))
            {
                connection.Dispose(); // another thread kept one first
                return;
            }

            if (s_kept.Count == 1)
            {
                s_sweeper.Change(s_idleLimit, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Closes the connection kept to <paramref name="path"/>, if any: its reader is done with it.</summary>
    public static void Release(string path)
    {
        var key = Path.GetFullPath(path);
        Release((candidate, _) => candidate == key);
    }

    /// <summary>Closes every kept connection now.</summary>
    public static void ReleaseAll() => Release((_, _) => true);

    private static void Sweep()
    {
        var now = Environment.TickCount64;
        Release((_, kept) => now - kept.LastUse >= (long)s_idleLimit.TotalMilliseconds);
    }

    private static void Release(Func<string, Kept, bool> due)
    {
        List<SqliteConnection> closing = [];
        lock (s_kept)
        {
            foreach (var (key, kept) in s_kept)
            {
                if (due(key, kept))
                {
                    closing.Add(kept.Connection);
                    s_kept.Remove(key);
                }
            }

            // One-shot: armed again only while something is kept, so an idle module costs no wake-ups.
            s_sweeper.Change(s_kept.Count > 0 ? s_idleLimit : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        foreach (var connection in closing)
        {
            connection.Dispose();
        }
    }

    private sealed class Kept(SqliteConnection connection)
    {
        public SqliteConnection Connection { get; } = connection;
        public long LastUse { get; set; }
    }
}
