using Microsoft.Data.Sqlite;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Corpus;

/// <summary>
/// The corrupt-data corpus (tests/data/corrupt) read through Core: each broken store is one failure naming it, or a
/// counted warning, the good data beside it is still reported with exact figures, and every read returns in time.
/// </summary>
public sealed class CorruptDatabaseTests : IDisposable
{
    private readonly CorruptCorpus _corpus = new();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _corpus.Dispose();
    }

    internal static (IReadOnlyList<Session> Sessions, ReadDiagnostics Diagnostics) Read(params string[] dataDirs)
    {
        var diagnostics = new ReadDiagnostics();
        var sessions = Bounded.Run(() => SessionReader.Read(new SessionQuery { DataPaths = dataDirs, NoCache = true },
            TestEnvironment.Isolated, diagnostics, null, CancellationToken.None));
        return (sessions, diagnostics);
    }

    /// <summary>What must be exact: the money and tokens of each session.</summary>
    internal static List<string> Figures(IEnumerable<Session> sessions) =>
        sessions.OrderBy(s => s.Id, StringComparer.Ordinal)
            .Select(s => $"{s.Id} cost={s.Cost} in={s.InputTokens} out={s.OutputTokens} reasoning={s.ReasoningTokens} " +
                         $"cacheRead={s.CacheReadTokens} cacheWrite={s.CacheWriteTokens} assistant={s.AssistantMessageCount}")
            .ToList();

    private List<string> Intact() => Figures(Read(_corpus.DataDir("intact.db.gz", "opencode.db")).Sessions);

    public static TheoryData<string, string, FailureKind> BrokenDatabases => new()
    {
        { "junk.db", "DatabaseInvalid", FailureKind.InvalidData },
        { "truncated.db.gz", "DatabaseCorrupt", FailureKind.InvalidData },
        { "future-no-session-table.db.gz", "DatabaseSchemaUnsupported", FailureKind.InvalidData },
        { "future-message-data-renamed.db.gz", "DatabaseSchemaUnsupported", FailureKind.InvalidData },
    };

    [Theory]
    [MemberData(nameof(BrokenDatabases))]
    public void A_broken_database_is_one_failure_naming_it_and_the_good_data_beside_it_is_still_exact(string file, string errorId, FailureKind kind)
    {
        var good = _corpus.Copy("oc-1.15.13");
        var alone = Figures(Read(good).Sessions);
        var broken = _corpus.DataDir(file);

        var (sessions, diagnostics) = Read(broken, good);

        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal(errorId, failure.ErrorId);
        Assert.Equal(kind, failure.Kind);
        Assert.Equal(Path.Combine(broken, "opencode.db"), failure.Target);
        Assert.Contains(Path.Combine(broken, "opencode.db"), failure.Message);
        Assert.NotEmpty(alone);
        Assert.Equal(alone, Figures(sessions));
    }

    [Fact]
    public void A_zero_length_database_is_one_failure_naming_it()
    {
        var broken = _corpus.DataDirWith("zero-length", []);
        var (sessions, diagnostics) = Read(broken);
        var failure = Assert.Single(diagnostics.Failures);
        Assert.Equal("DatabaseSchemaUnsupported", failure.ErrorId);
        Assert.Equal(Path.Combine(broken, "opencode.db"), failure.Target);
        Assert.Empty(sessions);
        Assert.Equal(0, new FileInfo(Path.Combine(broken, "opencode.db")).Length);
    }

    [Fact]
    public void Malformed_message_rows_are_skipped_with_a_counted_warning_and_the_rest_is_exact()
    {
        var damaged = _corpus.DataDir("malformed-rows.db.gz");
        var reference = Figures(Read(_corpus.DataDir("malformed-rows.reference.db.gz")).Sessions);

        var (sessions, diagnostics) = Read(damaged);

        Assert.Empty(diagnostics.Failures);
        Assert.Equal($"Skipped 3 malformed message row(s) in '{Path.Combine(damaged, "opencode.db")}'.", Assert.Single(diagnostics.Warnings));
        Assert.Equal(reference, Figures(sessions));
        Assert.NotEqual(Intact(), reference); // the damage took real money away: the comparison can fail
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_read_as_replacement_characters_and_the_figures_are_kept()
    {
        var damaged = Read(_corpus.DataDir("non-utf8.db.gz"));
        var reference = Read(_corpus.DataDir("non-utf8.reference.db.gz"));

        Assert.Empty(damaged.Diagnostics.Failures);
        Assert.Empty(damaged.Diagnostics.Warnings);
        Assert.Equal(Figures(reference.Sessions), Figures(damaged.Sessions));
        Assert.Equal(Intact(), Figures(damaged.Sessions));
        Assert.Equal(reference.Sessions.Select(s => s.Title).Order(), damaged.Sessions.Select(s => s.Title).Order());
        Assert.Contains(damaged.Sessions, s => s.Title == "Fixture session 3 \uFFFD( sent over");
    }

    [Fact]
    public void A_schema_from_the_future_is_read_by_column_names_with_the_same_figures()
    {
        var (sessions, diagnostics) = Read(_corpus.DataDir("future-schema.db.gz"));
        Assert.Empty(diagnostics.Failures);
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(Intact(), Figures(sessions));
        Assert.All(sessions, s => Assert.Null(s.Directory)); // renamed to cwd: unknown, not guessed
    }

    [Fact]
    public void Rows_of_ten_megabytes_are_read_in_time_with_the_same_figures()
    {
        var (sessions, diagnostics) = Read(_corpus.DataDir("big-rows.db.gz"));
        Assert.Empty(diagnostics.Failures);
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(Intact(), Figures(sessions));
    }
}
