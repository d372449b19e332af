using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpenCodeUsage.Storage;
using Xunit;
using static OpenCodeUsage.Tests.Corpus.CorruptDatabaseTests;

namespace OpenCodeUsage.Tests.Corpus;

/// <summary>Databases another program holds locked, folders we may not write to and files we may not read.</summary>
public sealed class LockedAndReadOnlyTests : IDisposable
{
    private readonly CorruptCorpus _corpus = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _corpus.Dispose();
    }

    private static Dictionary<string, long> Files(string dir) =>
        Directory.EnumerateFiles(dir).ToDictionary(f => Path.GetFileName(f), f => new FileInfo(f).Length);

    private static SqliteConnection Writer(string db, string journalMode)
    {
        var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        writer.Open();
        using var command = writer.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode={journalMode}; PRAGMA wal_autocheckpoint=0;";
        command.ExecuteNonQuery();
        return writer;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_rollback_journal_database_mid_write_under_an_exclusive_lock_is_DatabaseBusy_in_time()
    {
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        using var writer = Writer(db, "DELETE");
        Exec(writer, "BEGIN EXCLUSIVE; UPDATE message SET time_updated = time_updated + 1;");
        Assert.True(File.Exists(db + "-journal"));

        var clock = Stopwatch.StartNew();
        var (sessions, diagnostics) = Read(dir);

        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal("DatabaseBusy", failure.ErrorId);
        Assert.Equal(FailureKind.Unavailable, failure.Kind);
        Assert.Equal(db, failure.Target);
        Assert.Empty(sessions);
        Assert.True(clock.Elapsed < Bounded.Limit, $"took {clock.Elapsed}");
        Exec(writer, "ROLLBACK");
    }

    [Fact]
    public void A_WAL_database_under_an_exclusive_write_transaction_is_read_as_last_committed()
    {
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        var intact = Figures(Read(_corpus.DataDir("intact.db.gz", "opencode.db")).Sessions);
        using var writer = Writer(db, "WAL");
        Exec(writer, "BEGIN EXCLUSIVE; UPDATE session SET title = 'not committed'; DELETE FROM message;");

        var (sessions, diagnostics) = Read(dir);

        Assert.Empty(diagnostics.Failures);
        Assert.Equal(intact, Figures(sessions));
        Assert.DoesNotContain(sessions, s => s.Title == "not committed");
        Exec(writer, "ROLLBACK");
    }

    [Fact]
    public void A_read_only_folder_without_wal_and_shm_is_read_in_place_and_gains_no_file()
    {
        var dir = _corpus.DataDir("intact.db.gz");
        var before = Files(dir);
        CorruptCorpus.SetMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        var (sessions, diagnostics) = Read(dir);

        Assert.Empty(diagnostics.Failures);
        Assert.Equal(8, sessions.Count);
        Assert.Equal(before, Files(dir));
    }

    [SkippableFact]
    public void A_read_only_folder_with_a_wal_but_no_shm_reads_the_main_file_and_gains_no_file()
    {
        Skip.If(CorruptCorpus.IsRoot || OperatingSystem.IsWindows(), "root may write into a read-only folder, so SQLite creates -shm there and the fallback is never taken");
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        File.WriteAllBytes(db + "-wal", []);
        var before = Files(dir);
        CorruptCorpus.SetMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var (sessions, diagnostics) = Read(dir);

        Assert.Empty(diagnostics.Failures);
        Assert.Equal(8, sessions.Count);
        Assert.Equal(before, Files(dir));
    }

    [SkippableFact]
    public void An_unreadable_database_is_DatabaseUnreadable_and_the_good_data_is_still_reported()
    {
        Skip.If(CorruptCorpus.IsRoot || OperatingSystem.IsWindows(), "root reads files whatever their mode, so chmod 000 cannot make one unreadable");
        var good = _corpus.Copy("oc-1.15.13");
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        CorruptCorpus.SetMode(db, UnixFileMode.None);

        var (sessions, diagnostics) = Read(dir, good);

        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal("DatabaseUnreadable", failure.ErrorId);
        Assert.Equal(db, failure.Target);
        Assert.Equal(Figures(Read(good).Sessions), Figures(sessions));
    }
}
