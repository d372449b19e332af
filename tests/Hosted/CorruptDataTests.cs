using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// The corrupt-data corpus (tests/data/corrupt) through the real engine: a broken store is one error record with a
/// stable id, category and the path as target, or a counted warning; the good data is still reported with the
/// same figures; every call returns within <see cref="Bounded.Limit"/>.
/// </summary>
public sealed class CorruptDataTests : IDisposable
{
    private const string Good = "oc-1.15.13";
    private static readonly string Prices = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json");
    private readonly CorruptCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    private static IReadOnlyList<PSObject> Run(Engine engine, string script, params object[] arguments) =>
        Bounded.Run(() => engine.Run(script, arguments).ToList());

    /// <summary>Each session's money and tokens, as the cmdlet reports them.</summary>
    private static List<string> Sessions(IEnumerable<PSObject> sessions) =>
        sessions.Select(s => $"{s.Properties["Id"].Value} {s.Properties["Cost"].Value} {s.Properties["TotalTokens"].Value} {s.Properties["AssistantMessageCount"].Value}")
            .Order(StringComparer.Ordinal).ToList();

    private static List<string> UsageRows(IEnumerable<PSObject> rows) =>
        rows.Select(r => $"{r.Properties["Group"].Value} {r.Properties["Cost"].Value} {r.Properties["TotalTokens"].Value} {r.Properties["Messages"].Value}")
            .Order(StringComparer.Ordinal).ToList();

    private static void AssertError(ErrorRecord error, string errorId, ErrorCategory category, string target)
    {
        Assert.StartsWith(errorId + ",", error.FullyQualifiedErrorId);
        Assert.Equal(category, error.CategoryInfo.Category);
        Assert.Equal(target, error.TargetObject);
    }

    public static TheoryData<string, string> BrokenDatabases => new()
    {
        { "junk.db", "DatabaseInvalid" },
        { "truncated.db.gz", "DatabaseCorrupt" },
        { "future-no-session-table.db.gz", "DatabaseSchemaUnsupported" },
        { "future-message-data-renamed.db.gz", "DatabaseSchemaUnsupported" },
        { "", "DatabaseSchemaUnsupported" }, // a zero-length file
    };

    [Theory]
    [MemberData(nameof(BrokenDatabases))]
    public void A_broken_database_is_one_error_record_and_the_good_data_beside_it_is_unchanged(string file, string errorId)
    {
        var good = _corpus.Copy(Good);
        var broken = file.Length == 0 ? _corpus.DataDirWith("zero-length", []) : _corpus.DataDir(file);
        var db = Path.Combine(broken, "opencode.db");
        using var engine = new Engine();

        var alone = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", good));
        var sessions = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0], $args[1]", broken, good));
        AssertError(Assert.Single(engine.Errors), errorId, ErrorCategory.InvalidData, db);
        Assert.NotEmpty(alone);
        Assert.Equal(alone, sessions);

        var usageAlone = UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -GroupBy Session", good));
        var usage = UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0], $args[1] -GroupBy Session", broken, good));
        AssertError(Assert.Single(engine.Errors), errorId, ErrorCategory.InvalidData, db);
        Assert.Equal(usageAlone, usage);

        // The watch meets the same store on every poll: it reports it and still ends when told.
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", broken);
        Assert.All(engine.Errors, e => Assert.Equal(db, e.TargetObject));
    }

    [SkippableTheory]
    [InlineData("junk.db", "DatabaseInvalid")]
    [InlineData("unknown-virtual-table", "DatabaseReadFailed")]
    public void The_same_broken_database_gives_the_same_error_id_from_every_cmdlet(string file, string errorId)
    {
        string dir;
        if (file == "unknown-virtual-table")
        {
            // A table whose module this SQLite lacks: SQLITE_ERROR while the schema is read. Written by Python's sqlite3
            // (this process has no SQLite of its own, like a plain pwsh).
            Skip.If(LockingProcess.Python is null, "no python3 on PATH to write the schema row");
            dir = _corpus.Copy(Good, file);
            var start = new System.Diagnostics.ProcessStartInfo(LockingProcess.Python!) { UseShellExecute = false };
            foreach (var argument in new[]
            {
                "-c",
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA writable_schema = ON'); " +
                "c.execute(\"INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', 'search_index', 'search_index', 0, " +
                "'CREATE VIRTUAL TABLE search_index USING nosuchmodule(body)')\"); c.commit(); c.close()",
                Path.Combine(dir, "opencode.db"),
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var python = System.Diagnostics.Process.Start(start)!;
            Assert.True(python.WaitForExit(30_000) && python.ExitCode == 0);
        }
        else
        {
            dir = _corpus.DataDir(file);
        }

        var stats = Path.Combine(_corpus.Root, "stats.json");
        using var engine = new Engine();
        var ids = new Dictionary<string, string>();
        foreach (var (name, script) in new[]
        {
            ("Get-OpenCodeSession", "Get-OpenCodeSession -DataPath $args[0]"),
            ("Get-OpenCodeUsage", "Get-OpenCodeUsage -DataPath $args[0]"),
            ("Get-OpenCodeUsage -NoCache", "Get-OpenCodeUsage -DataPath $args[0] -NoCache"),
            ("Export-OpenCodeStats", "Export-OpenCodeStats -DataPath $args[0] -Path $args[1]"),
            ("Watch-OpenCodeActivity", "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1"),
        })
        {
            try
            {
                Run(engine, script, dir, stats);
                ids[name] = string.Join(" | ", engine.Errors.Select(e => e.FullyQualifiedErrorId));
            }
            catch (RuntimeException ex)
            {
                ids[name] = ex.ErrorRecord.FullyQualifiedErrorId;
            }
        }

        Assert.All(ids, id => Assert.True(id.Value.StartsWith(errorId + ",", StringComparison.Ordinal), $"{id.Key}: {id.Value}"));
    }

    [Fact]
    public void Malformed_rows_are_one_counted_warning_and_the_figures_match_the_rows_deleted()
    {
        var damaged = _corpus.DataDir("malformed-rows.db.gz");
        var reference = _corpus.DataDir("malformed-rows.reference.db.gz");
        using var engine = new Engine();

        var expected = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", reference));
        var sessions = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", damaged));
        Assert.Empty(engine.Errors);
        Assert.Equal($"Skipped 3 malformed message row(s) in '{Path.Combine(damaged, "opencode.db")}'.", Assert.Single(engine.Warnings).Message);
        Assert.Equal(expected, sessions);

        var expectedUsage = UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -GroupBy Session, Model -PricingPath $args[1]", reference, Prices));
        var usage = UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -GroupBy Session, Model -PricingPath $args[1]", damaged, Prices));
        Assert.Single(engine.Warnings);
        Assert.Equal(expectedUsage, usage);

        // Malformed part rows (a step-finish and a text part) are passed over by the watch, which still ends in time.
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", damaged);
        Assert.Empty(engine.Errors);
    }

    [Theory]
    [InlineData("non-utf8.db.gz", "non-utf8.reference.db.gz")]
    [InlineData("future-schema.db.gz", "intact.db.gz")]
    [InlineData("big-rows.db.gz", "intact.db.gz")]
    public void Odd_but_readable_databases_give_the_reference_figures_without_errors(string file, string reference)
    {
        var dir = _corpus.DataDir(file);
        var referenceDir = _corpus.DataDir(reference);
        using var engine = new Engine();

        var expected = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", referenceDir));
        Assert.Equal(expected, Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", dir)));
        Assert.Empty(engine.Errors);
        Assert.Empty(engine.Warnings);
        var expectedUsage = UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -PerMessage | Group-Object SessionId | ForEach-Object { [pscustomobject]@{ Group = $_.Name; Cost = ($_.Group | Measure-Object Cost -Sum).Sum; TotalTokens = ($_.Group | Measure-Object TotalTokens -Sum).Sum; Messages = $_.Count } }", referenceDir));
        Assert.Equal(expectedUsage, UsageRows(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -PerMessage | Group-Object SessionId | ForEach-Object { [pscustomobject]@{ Group = $_.Name; Cost = ($_.Group | Measure-Object Cost -Sum).Sum; TotalTokens = ($_.Group | Measure-Object TotalTokens -Sum).Sum; Messages = $_.Count } }", dir)));
        Assert.Empty(engine.Errors);
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", dir);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Broken_legacy_files_are_warnings_naming_them_and_the_rest_matches_the_reference()
    {
        var damaged = _corpus.Legacy(damaged: true);
        var reference = _corpus.Legacy(damaged: false);
        var storage = Path.Combine(damaged, "storage");
        using var engine = new Engine();

        var expected = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", reference));
        var sessions = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", damaged));
        Assert.Empty(engine.Errors);
        var warnings = engine.Warnings.Select(w => w.Message).ToList();
        Assert.Contains($"Skipped 3 malformed message row(s) in '{storage}'.", warnings);
        Assert.Contains(warnings, w => w.StartsWith($"Skipped unreadable legacy file '{Path.Combine(storage, CorruptCorpus.LegacyDamaged[2])}'", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith($"Skipped unreadable legacy file '{Path.Combine(storage, "project")}", StringComparison.Ordinal));
        Assert.Equal(expected, sessions);
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", damaged);
        Assert.Empty(engine.Errors);
    }

    [SkippableFact]
    public void A_database_another_process_holds_exclusively_mid_write_is_DatabaseBusy_in_time()
    {
        Skip.If(LockingProcess.Python is null, "no python3 on PATH to hold the lock from another process");
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        using var engine = new Engine();
        using (LockingProcess.Hold(db, "DELETE", "UPDATE message SET time_updated = time_updated + 1"))
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Assert.Empty(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", dir));
            AssertError(Assert.Single(engine.Errors), "DatabaseBusy", ErrorCategory.ResourceUnavailable, db);
            Run(engine, "Get-OpenCodeUsage -DataPath $args[0]", dir);
            AssertError(Assert.Single(engine.Errors), "DatabaseBusy", ErrorCategory.ResourceUnavailable, db);
            Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", dir);
            Assert.True(clock.Elapsed < Bounded.Limit * 2, $"three calls took {clock.Elapsed}");
        }

        // Released, the same file reads in full.
        Assert.Equal(8, Run(engine, "Get-OpenCodeSession -DataPath $args[0]", dir).Count);
        Assert.Empty(engine.Errors);
    }

    [SkippableFact]
    public void A_WAL_database_another_process_holds_exclusively_reads_as_last_committed()
    {
        Skip.If(LockingProcess.Python is null, "no python3 on PATH to hold the lock from another process");
        var dir = _corpus.DataDir("intact.db.gz");
        using var engine = new Engine();
        var expected = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", _corpus.DataDir("intact.db.gz", "opencode.db")));
        using (LockingProcess.Hold(Path.Combine(dir, "opencode.db"), "WAL", "UPDATE session SET title = 'not committed'; DELETE FROM message"))
        {
            var sessions = Run(engine, "Get-OpenCodeSession -DataPath $args[0]", dir);
            Assert.Empty(engine.Errors);
            Assert.Equal(expected, Sessions(sessions));
            Assert.DoesNotContain(sessions, s => (string)s.Properties["Title"].Value == "not committed");
        }
    }

    [Fact]
    public void A_read_only_folder_without_wal_and_shm_is_read_and_gains_no_file()
    {
        var dir = _corpus.DataDir("intact.db.gz");
        var before = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
        CorruptCorpus.SetMode(dir, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        using var engine = new Engine();

        Assert.Equal(8, Run(engine, "Get-OpenCodeSession -DataPath $args[0]", dir).Count);
        Assert.NotEmpty(Run(engine, "Get-OpenCodeUsage -DataPath $args[0] -PerMessage", dir));
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", dir);
        Assert.Empty(engine.Errors);
        Assert.Equal(before, Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList());
    }

    [SkippableFact]
    public void An_unreadable_database_is_DatabaseUnreadable_and_the_good_data_beside_it_is_unchanged()
    {
        Skip.If(CorruptCorpus.IsRoot || OperatingSystem.IsWindows(), "root reads files whatever their mode, so chmod 000 cannot make one unreadable");
        var good = _corpus.Copy(Good);
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        CorruptCorpus.SetMode(db, UnixFileMode.None);
        using var engine = new Engine();

        var alone = Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0]", good));
        Assert.Equal(alone, Sessions(Run(engine, "Get-OpenCodeSession -DataPath $args[0], $args[1]", dir, good)));
        AssertError(Assert.Single(engine.Errors), "DatabaseUnreadable", ErrorCategory.ReadError, db);
        Run(engine, "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", dir);
        Assert.All(engine.Errors, e => Assert.Equal(db, e.TargetObject));
    }

    [SkippableFact]
    public void An_unreadable_database_is_DatabaseUnreadable_even_for_root_without_its_read_override()
    {
        // CI runs as root, which reads files whatever their mode: the same case in a host process without that power.
        Skip.IfNot(CorruptCorpus.IsRoot && HostProbe.CanDropReadOverride, "for root on Linux (the test above covers other users)");
        var good = _corpus.Copy(Good);
        var dir = _corpus.DataDir("intact.db.gz");
        var db = Path.Combine(dir, "opencode.db");
        CorruptCorpus.SetMode(db, UnixFileMode.None);
        var probe = HostProbe.RunAll($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            $env:OPENCODEUSAGE_CACHE_DIR = {HostProbe.Quote(Path.Combine(dir, "..", "cache"))}
            $alone = @(Get-OpenCodeSession -DataPath {HostProbe.Quote(good)} -NoCache)
            $both = @(Get-OpenCodeSession -DataPath {HostProbe.Quote(dir)}, {HostProbe.Quote(good)} -NoCache -ErrorAction SilentlyContinue -ErrorVariable failed)
            'alone=' + (($alone | ForEach-Object Id) -join ',') + '|' + (($alone | ForEach-Object Cost) -join ',')
            'both=' + (($both | ForEach-Object Id) -join ',') + '|' + (($both | ForEach-Object Cost) -join ',')
            'error=' + $failed[0].FullyQualifiedErrorId + '|' + $failed[0].CategoryInfo.Category + '|' + $failed[0].TargetObject
            """, withoutReadOverride: true);
        var alone = probe.Output.Single(l => l.StartsWith("alone=", StringComparison.Ordinal))["alone=".Length..];
        Assert.NotEmpty(alone);
        Assert.Equal(alone, probe.Output.Single(l => l.StartsWith("both=", StringComparison.Ordinal))["both=".Length..]);
        Assert.Equal($"error=DatabaseUnreadable,OpenCodeUsage.Commands.GetOpenCodeSessionCommand|ReadError|{db}",
            probe.Output.Single(l => l.StartsWith("error=", StringComparison.Ordinal)));
    }
}
