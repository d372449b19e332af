using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Reading never changes OpenCode's files, sees rows still in the WAL, and never blocks a writer.</summary>
public sealed class ReadSafetyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-safety-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private static IReadOnlyList<Session> Read(string dataDir) =>
        SessionReader.Read(new SessionQuery { DataPaths = [dataDir] }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);

    private static Dictionary<string, string> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private string CopyDataSet(string dataSet)
    {
        var source = RepoPaths.DataDir(dataSet);
        var target = Path.Combine(_dir, dataSet);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    [Theory]
    [MemberData(nameof(DataSets.All), MemberType = typeof(DataSets))]
    public void Reading_changes_no_byte_and_adds_no_file(string dataSet)
    {
        var dir = CopyDataSet(dataSet);
        var before = Snapshot(dir);
        Assert.NotEmpty(Read(dir));
        Assert.Equal(before, Snapshot(dir));
    }

    [Theory]
    [InlineData("junk.db")]
    [InlineData("truncated.db.gz")]
    [InlineData("malformed-rows.db.gz")]
    [InlineData("non-utf8.db.gz")]
    [InlineData("future-schema.db.gz")]
    [InlineData("future-no-session-table.db.gz")]
    [InlineData("future-message-data-renamed.db.gz")]
    [InlineData("big-rows.db.gz")]
    public void Reading_a_damaged_database_changes_no_byte_and_adds_no_file(string corpusFile)
    {
        using var corpus = new CorruptCorpus();
        var dir = corpus.DataDir(corpusFile);
        var before = Snapshot(dir);
        Bounded.Run(() => Read(dir));
        Assert.Equal(before, Snapshot(dir));
    }

    [Fact]
    public void Rows_still_in_the_WAL_are_seen_and_the_writer_is_never_blocked()
    {
        var dir = CopyDataSet("oc-1.18.33");
        var db = Path.Combine(dir, "opencode.db");
        var baseline = Read(dir).ToDictionary(s => s.Id);

        // A writer like OpenCode: WAL mode, no checkpoint, its new rows only in opencode.db-wal; every session
        // update moves time_updated (OpenCode's ORM does it on each update).
        using var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        writer.Open();
        Exec(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
        var (sessionId, messageId) = FirstAssistantMessage(writer);
        Exec(writer, $"INSERT INTO message (id, session_id, time_created, time_updated, data) " +
                     $"SELECT 'msg_zzzzwalonly0000000000000', session_id, time_created + 1000, time_updated + 1000, data FROM message WHERE id = '{messageId}';" +
                     $"UPDATE session SET title = 'renamed while open', time_updated = time_updated + 1 WHERE id = '{sessionId}';");
        Assert.True(new FileInfo(db + "-wal").Length > 0);

        var seen = Read(dir).ToDictionary(s => s.Id);
        Assert.Equal("renamed while open", seen[sessionId].Title);
        Assert.Equal(baseline[sessionId].MessageCount + 1, seen[sessionId].MessageCount);
        Assert.True(seen[sessionId].Cost > baseline[sessionId].Cost);

        // Our reads are over and hold nothing: the writer can still write and checkpoint everything.
        Exec(writer, $"UPDATE session SET title = 'renamed again' WHERE id = '{sessionId}';");
        using var checkpoint = writer.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        using var result = checkpoint.ExecuteReader();
        Assert.True(result.Read());
        Assert.Equal(0L, result.GetInt64(0)); // 0 = not blocked by any reader
    }

    /// <summary>A writer like OpenCode with a new message and a renamed session only in its -wal.</summary>
    private (SqliteConnection Writer, string Session, int Messages) WriteIntoWal(string db)
    {
        var writer = new SqliteConnection($"Data Source={db};Pooling=False");
        writer.Open();
        Exec(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
        var (sessionId, messageId) = FirstAssistantMessage(writer);
        var before = Read(Path.GetDirectoryName(db)!).Single(s => s.Id == sessionId).MessageCount;
        Exec(writer, $"INSERT INTO message (id, session_id, time_created, time_updated, data) " +
                     $"SELECT 'msg_zzzzwalonly0000000000000', session_id, time_created + 1000, time_updated + 1000, data FROM message WHERE id = '{messageId}';" +
                     $"UPDATE session SET title = 'renamed while open', time_updated = time_updated + 1 WHERE id = '{sessionId}';");
        Assert.True(new FileInfo(db + "-wal").Length > 0);
        return (writer, sessionId, before);
    }

    [Fact]
    public void A_database_named_by_a_symbolic_link_sees_the_rows_in_its_targets_WAL()
    {
        var dir = CopyDataSet("oc-1.18.33");
        var db = Path.Combine(dir, "opencode.db");
        var (writer, sessionId, messages) = WriteIntoWal(db);
        using (writer)
        {
            var linked = Directory.CreateDirectory(Path.Combine(_dir, "linked")).FullName;
            File.CreateSymbolicLink(Path.Combine(linked, "opencode.db"), db);

            var seen = Read(linked).Single(s => s.Id == sessionId);
            Assert.Equal("renamed while open", seen.Title);
            Assert.Equal(messages + 1, seen.MessageCount);

            // A later write, again only in the target's -wal, is seen too: the cached digest's stamp is the target's.
            Exec(writer, $"UPDATE session SET title = 'renamed again', time_updated = time_updated + 1 WHERE id = '{sessionId}';");
            Assert.Equal("renamed again", Read(linked).Single(s => s.Id == sessionId).Title);
            Assert.Equal(["opencode.db"], Directory.EnumerateFileSystemEntries(linked).Select(Path.GetFileName));
        }
    }

    [Fact]
    public void A_wal_without_its_shm_is_read_whole_and_no_shm_is_created()
    {
        var source = Path.Combine(CopyDataSet("oc-1.18.33"), "opencode.db");
        var (writer, sessionId, messages) = WriteIntoWal(source);
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "left-behind")).FullName;
        using (writer)
        {
            // What a killed OpenCode (or a copy of its folder) leaves: the database and its -wal, no -shm.
            File.Copy(source, Path.Combine(dir, "opencode.db"));
            File.Copy(source + "-wal", Path.Combine(dir, "opencode.db-wal"));
        }

        var before = Snapshot(dir);
        var snapshots = Directory.GetDirectories(Path.GetTempPath(), "ocu-wal-*").ToHashSet();
        var seen = Read(dir).Single(s => s.Id == sessionId);
        Assert.Equal("renamed while open", seen.Title);
        Assert.Equal(messages + 1, seen.MessageCount);
        Assert.Equal(before, Snapshot(dir));
        Assert.False(File.Exists(Path.Combine(dir, "opencode.db-shm")));
        // The private copy read in its place is gone with the connection.
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetTempPath(), "ocu-wal-*"), d => !snapshots.Contains(d));
    }

    [Fact]
    public void A_database_without_wal_and_shm_is_read_in_place()
    {
        var dir = CopyDataSet("oc-1.18.33");
        Assert.False(File.Exists(Path.Combine(dir, "opencode.db-wal")));
        Assert.Equal(8, Read(dir).Count);
        Assert.False(File.Exists(Path.Combine(dir, "opencode.db-wal")));
        Assert.False(File.Exists(Path.Combine(dir, "opencode.db-shm")));
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static (string Session, string Message) FirstAssistantMessage(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT session_id, id FROM message WHERE json_extract(data, '$.role') = 'assistant' AND json_extract(data, '$.cost') > 0 ORDER BY id LIMIT 1";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetString(0), reader.GetString(1));
    }
}
