using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Storage;

/// <summary>
/// OpenCode runs <c>PRAGMA journal_mode = WAL</c> before it sets a busy timeout, so it fails with "database is
/// locked" if it starts while another process rebuilds the WAL index. Our reads must not keep rebuilding it.
/// </summary>
[Collection(WalIndexKeeperCollection.Name)]
public sealed class WalIndexKeeperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-walkeeper-").FullName;

    public void Dispose()
    {
        WalIndexKeeper.ReleaseAll();
        Directory.Delete(_dir, recursive: true);
    }

    [SkippableFact]
    public void A_process_starting_beside_our_reads_of_an_idle_WAL_database_is_never_refused()
    {
        Skip.If(OperatingSystem.IsWindows(), "the starter is a python3 process; POSIX locks are what this is about");
        var db = IdleWalDatabase();
        ReadOnce(db); // the one rebuild: nobody had the database open

        using var starter = Starter(db, seconds: 3);
        var reads = 0;
        while (!starter.HasExited)
        {
            ReadOnce(db);
            reads++;
        }

        var figures = JsonDocument.Parse(starter.StandardOutput.ReadToEnd()).RootElement;
        var refused = figures.GetProperty("busy").GetInt32();
        Assert.True(figures.GetProperty("ok").GetInt32() > 100, figures.ToString());
        Assert.True(reads > 20, $"only {reads} reads");
        Assert.True(refused == 0, $"{refused} starts refused beside {reads} of our reads: {figures}");
    }

    [Fact]
    public void The_kept_connection_is_closed_once_the_database_goes_unread()
    {
        var db = IdleWalDatabase();
        var limit = WalIndexKeeper.IdleLimit;
        WalIndexKeeper.IdleLimit = TimeSpan.FromMilliseconds(200);
        try
        {
            ReadOnce(db);
            Assert.True(WalIndexKeeper.IsKept(db));
            var clock = Stopwatch.StartNew();
            while (WalIndexKeeper.IsKept(db) && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(50);
            }

            Assert.False(WalIndexKeeper.IsKept(db));
        }
        finally
        {
            WalIndexKeeper.IdleLimit = limit;
        }
    }

    [Fact]
    public void A_database_without_a_wal_is_not_kept_open()
    {
        var db = Path.Combine(_dir, "rollback.db");
        using (var writer = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            writer.Open();
            Exec(writer, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        }

        ReadOnce(db);
        Assert.False(WalIndexKeeper.IsKept(db));
    }

    /// <summary>A WAL database whose -wal holds 4 MB of frames and which no connection has open.</summary>
    private string IdleWalDatabase()
    {
        var db = Path.Combine(_dir, "opencode.db");
        var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        writer.Open();
        Exec(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x);");
        for (var i = 0; i < 256; i++)
        {
            Exec(writer, "INSERT INTO t VALUES (randomblob(16000))");
        }

        // A second connection open while the writer closes keeps the writer from checkpointing the frames away.
        using (var holder = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            holder.Open();
            Exec(holder, "SELECT count(*) FROM t");
            writer.Dispose();
        }

        Assert.True(new FileInfo(db + "-wal").Length > 4_000_000);
        return db;
    }

    private static void ReadOnce(string db)
    {
        using var connection = SqliteConnector.OpenReadOnly(db);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        command.ExecuteScalar();
    }

    /// <summary>
    /// Another process starting the way OpenCode does, over and over: no busy timeout, then the journal_mode pragma.
    /// Read-only, so that it never checkpoints the frames away itself. Prints {"ok":n,"busy":n}.
    /// </summary>
    private static Process Starter(string db, int seconds)
    {
        const string Script = """
            import json, sqlite3, sys, time
            db, end = sys.argv[1], time.time() + float(sys.argv[2])
            ok = busy = 0
            while time.time() < end:
                c = sqlite3.connect('file:' + db + '?mode=ro', uri=True, timeout=0, isolation_level=None)
                try:
                    c.execute('PRAGMA journal_mode = WAL').fetchone()
                    ok += 1
                except sqlite3.OperationalError:
                    busy += 1
                c.close()
                time.sleep(0.0005)
            print(json.dumps({'ok': ok, 'busy': busy}))
            """;
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", Script, db, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("python3 did not start");
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>The keeper is process-wide: its tests do not run beside each other.</summary>
[CollectionDefinition(Name)]
public sealed class WalIndexKeeperCollection
{
    public const string Name = "WAL index keeper";
}
