using Microsoft.Data.Sqlite;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Stats;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Storage;

/// <summary>
/// One SQLite failure reads the same whichever cmdlet meets it: Get-OpenCodeUsage (fresh and through the digest
/// cache), Get-OpenCodeSession, Export-OpenCodeStats, Watch-OpenCodeActivity and Get-OpenCodeCredential all go through one read path and
/// one map of SQLite's result codes to our error ids.
/// </summary>
public sealed class SqliteErrorMapTests : IDisposable
{
    private readonly CorruptCorpus _corpus = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _corpus.Dispose();
    }

    /// <summary>A failure, the id it must read as, and whether it hits every reader (or only those of messages).</summary>
    public static TheoryData<string, string, bool> Failures => new()
    {
        // The file is no database at all (SQLITE_NOTADB at open).
        { "not-a-database", SqliteErrors.Invalid, true },
        // A page of the message table is garbage (SQLITE_CORRUPT in the middle of a scan): credentials never read it.
        { "damaged-message-page", SqliteErrors.Corrupt, false },
        // A table whose module this SQLite lacks (SQLITE_ERROR while the schema is read).
        { "unknown-virtual-table", SqliteErrors.ReadFailed, true },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void The_same_failure_gives_the_same_error_id_from_every_cmdlet(string failure, string expected, bool everyReader)
    {
        var dir = Make(failure);
        var ids = new Dictionary<string, string>
        {
            ["usage"] = ErrorId(d => UsageReport.Summarize(new UsageQuery { DataPaths = [dir], NoCache = true }, TestEnvironment.Isolated, d, null, CancellationToken.None)),
            ["usage (cached)"] = ErrorId(d => UsageReport.Summarize(new UsageQuery { DataPaths = [dir] }, TestEnvironment.Isolated, d, null, CancellationToken.None)),
            ["sessions"] = ErrorId(d => SessionReader.Read(new SessionQuery { DataPaths = [dir] }, TestEnvironment.Isolated, d, null, CancellationToken.None)),
            ["stats"] = ErrorId(d => GnomeStats.Compute(new StatsQuery { DataPaths = [dir], NoCache = true }, TestEnvironment.Isolated, d, CancellationToken.None)),
            ["watch"] = ErrorId(_ => ActivityFeed.Start(new ActivityOptions { DataPaths = [dir], UseNotifications = false }, TestEnvironment.Isolated).Dispose()),
        };
        if (everyReader)
        {
            ids["credentials"] = ErrorId(d => CredentialCatalog.Find(new CredentialQuery(), Home(dir), d, ActivityLog.None));
        }

        Assert.All(ids, id => Assert.True(id.Value == expected, $"{id.Key}: {id.Value}, not {expected}"));
    }

    [Fact]
    public void A_raw_statement_and_the_ado_layer_map_every_result_code_alike()
    {
        for (var code = 1; code <= 28; code++)
        {
            var viaAdo = SqliteErrors.From(new SqliteException("x", code, code), "db").ErrorId;
            var viaRaw = SqliteErrors.From(code, "x", "db", "messages").ErrorId;
            var extended = SqliteErrors.From(code | (1 << 8), "x", "db").ErrorId;
            Assert.Equal(viaAdo, viaRaw);
            Assert.Equal(viaAdo, extended);
        }
    }

    /// <summary>An environment whose OpenCode database (OPENCODE_DB) is the broken one, as Get-OpenCodeCredential finds it.</summary>
    private Func<string, string?> Home(string dir)
    {
        var home = Path.Combine(_corpus.Root, "home");
        Directory.CreateDirectory(Path.Combine(home, "opencode"));
        return name => name switch
        {
            "HOME" => home,
            "XDG_DATA_HOME" or "XDG_CONFIG_HOME" or "XDG_CACHE_HOME" => home,
            "OPENCODE_DB" => Path.Combine(dir, "opencode.db"),
            _ => TestEnvironment.Isolated(name),
        };
    }

    /// <summary>Runs one reader; its error id, whether it threw or reported the store as failed.</summary>
    private static string ErrorId(Action<ReadDiagnostics> read)
    {
        var diagnostics = new ReadDiagnostics();
        try
        {
            read(diagnostics);
        }
        catch (OpenCodeUsageException ex)
        {
            return ex.ErrorId;
        }
        catch (Exception ex)
        {
            return ex.GetType().Name + ": " + ex.Message;
        }

        return diagnostics.Failures.Count == 1 ? diagnostics.Failures[0].ErrorId : $"{diagnostics.Failures.Count} failures";
    }

    private string Make(string failure)
    {
        if (failure == "not-a-database")
        {
            return _corpus.DataDir("junk.db");
        }

        var dir = _corpus.Copy("oc-1.18.33");
        var db = Path.Combine(dir, "opencode.db");
        if (failure == "unknown-virtual-table")
        {
            Execute(db, """
                PRAGMA writable_schema = ON;
                INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql)
                VALUES ('table', 'search_index', 'search_index', 0, 'CREATE VIRTUAL TABLE search_index USING nosuchmodule(body)');
                """);
            return dir;
        }

        long root = 0, pageSize = 0;
        using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT rootpage FROM sqlite_master WHERE name = 'message'), (SELECT page_size FROM pragma_page_size)";
            using var reader = command.ExecuteReader();
            reader.Read();
            root = reader.GetInt64(0);
            pageSize = reader.GetInt64(1);
        }

        using (var file = File.OpenWrite(db))
        {
            file.Position = (root - 1) * pageSize;
            file.Write(Enumerable.Repeat((byte)0xA5, (int)pageSize).ToArray());
        }

        return dir;
    }

    private static void Execute(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
