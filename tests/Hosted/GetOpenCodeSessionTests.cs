using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Get-OpenCodeSession through the real engine: binding, pipeline, errors and the table view.</summary>
public sealed class GetOpenCodeSessionTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    [Fact]
    public void Emits_typed_sessions_whose_figures_equal_OpenCodes_columns()
    {
        using var engine = new Engine();
        var sessions = engine.Run("Get-OpenCodeSession -DataPath $args[0]", Data);
        Assert.Empty(engine.Errors);
        var expected = ExpectedSession.Load("oc-1.18.33").ToDictionary(e => e.Id);
        Assert.Equal(expected.Count, sessions.Count);
        foreach (var item in sessions)
        {
            Assert.Equal("OpenCodeUsage.Session", item.TypeNames[0]);
            var e = expected[(string)item.Properties["Id"].Value];
            Assert.Equal(e.StoredInput, (long)item.Properties["InputTokens"].Value);
            Assert.Equal(e.StoredOutput, (long)item.Properties["OutputTokens"].Value);
            Assert.Equal(e.StoredReasoning, (long)item.Properties["ReasoningTokens"].Value);
            Assert.Equal(e.StoredCacheRead, (long)item.Properties["CacheReadTokens"].Value);
            Assert.Equal(e.StoredCacheWrite, (long)item.Properties["CacheWriteTokens"].Value);
            Assert.InRange(Math.Abs((decimal)item.Properties["Cost"].Value - e.StoredCost!.Value), 0m, 1e-9m);
            Assert.IsType<DateTimeOffset>(item.Properties["Updated"].Value);
        }

        Assert.True((bool)engine.Run("(Get-OpenCodeSession -DataPath $args[0] -First 1) -is [OpenCodeUsage.Session]", Data)[0].BaseObject);
    }

    [Fact]
    public void What_a_script_adds_to_a_session_is_not_seen_by_the_next_call()
    {
        // Repeated calls over unchanged data are answered from memory; each still gets objects of its own.
        using var engine = new Engine();
        var seen = engine.Run("""
            $first = Get-OpenCodeSession -DataPath $args[0] -First 1
            $first | Add-Member -NotePropertyName Extra -NotePropertyValue 'decorated'
            $again = Get-OpenCodeSession -DataPath $args[0] -First 1
            $again.Id -eq $first.Id
            $null -eq $again.Extra
            [object]::ReferenceEquals($first, $again)
            """, Data);
        Assert.Empty(engine.Errors);
        Assert.Equal([true, true, false], seen.Select(o => (bool)o.BaseObject));
    }

    [Fact]
    public void Works_in_a_pipeline_with_Where_Object()
    {
        using var engine = new Engine();
        var ids = engine.Run("Get-OpenCodeSession -DataPath $args[0] | Where-Object Cost -gt 0.01 | ForEach-Object Id", Data)
            .Select(o => o.ToString()).Order();
        var expected = ExpectedSession.Load("oc-1.18.33").Where(e => e.Cost > 0.01m).Select(e => e.Id).Order();
        Assert.Equal(expected, ids);
    }

    [Fact]
    public void Binds_ids_by_property_name_and_by_value()
    {
        using var engine = new Engine();
        var two = engine.Run("Get-OpenCodeSession -DataPath $args[0] -First 2 | ForEach-Object Id", Data).Select(o => o.ToString()).ToList();
        var byProperty = engine.Run(
            "Get-OpenCodeSession -DataPath $args[0] -First 2 | Get-OpenCodeSession -DataPath $args[0] | ForEach-Object Id", Data);
        Assert.Equal(two, byProperty.Select(o => o.ToString()));

        var bySessionId = engine.Run("[pscustomobject]@{ SessionId = $args[1] } | Get-OpenCodeSession -DataPath $args[0] | ForEach-Object Id", Data, two[1]);
        Assert.Equal([two[1]], bySessionId.Select(o => o.ToString()));

        var byValue = engine.Run("$args[1] | Get-OpenCodeSession -DataPath $args[0] | ForEach-Object Id", Data, two[0]);
        Assert.Equal([two[0]], byValue.Select(o => o.ToString()));
    }

    [Fact]
    public void Filters_by_wildcards_dates_and_roots()
    {
        using var engine = new Engine();
        var forks = engine.Run("Get-OpenCodeSession -DataPath $args[0] -Title '*FORK*'", Data);
        var fork = Assert.Single(forks);
        Assert.NotNull(fork.Properties["ForkOfId"].Value);

        Assert.Equal(2, engine.Run("Get-OpenCodeSession -DataPath $args[0] -Id 'ses_*' -Title 'Fixture session 1*'", Data).Count);
        Assert.Equal(7, engine.Run("Get-OpenCodeSession -DataPath $args[0] -RootOnly", Data).Count);
        Assert.Equal(4, engine.Run("Get-OpenCodeSession -DataPath $args[0] -Project alpha", Data).Count);
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Since '2999-01-01'", Data));
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Until 2000-01-01", Data));
        Assert.Equal(8, engine.Run("Get-OpenCodeSession -DataPath $args[0] -After 2000-01-01 -Before (Get-Date).AddYears(5)", Data).Count);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void A_missing_data_directory_is_an_ObjectNotFound_error_naming_it()
    {
        using var engine = new Engine();
        var missing = Path.Combine(Path.GetTempPath(), "no-such-opencode-" + Guid.NewGuid().ToString("N"));
        var error = engine.RunExpectingTermination("Get-OpenCodeSession -DataPath $args[0] -ErrorAction Stop", missing);
        Assert.StartsWith("DataDirectoryNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal(missing, error.TargetObject);
    }

    [Fact]
    public void A_folder_without_a_database_is_DatabaseNotFound()
    {
        using var engine = new Engine();
        var empty = Directory.CreateTempSubdirectory("opencode-empty-").FullName;
        try
        {
            var error = engine.RunExpectingTermination("Get-OpenCodeSession -DataPath $args[0]", empty);
            Assert.StartsWith("DatabaseNotFound,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains("opencode.db", error.Exception.Message);
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void A_junk_database_is_an_error_while_other_paths_still_report()
    {
        using var engine = new Engine();
        var junk = Directory.CreateTempSubdirectory("opencode-junk-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(junk, "opencode.db"), "this is not an sqlite database, just text");
            var sessions = engine.Run("Get-OpenCodeSession -DataPath $args[0], $args[1]", junk, Data);
            Assert.Equal(8, sessions.Count);
            var error = Assert.Single(engine.Errors);
            Assert.StartsWith("DatabaseInvalid,", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Equal(Path.Combine(junk, "opencode.db"), error.TargetObject);
        }
        finally
        {
            Directory.Delete(junk, true);
        }
    }

    [Fact]
    public void An_exact_id_that_matches_nothing_is_SessionNotFound()
    {
        using var engine = new Engine();
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Id ses_doesnotexist, 'ses_nothing*'", Data));
        var error = Assert.Single(engine.Errors);
        Assert.StartsWith("SessionNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal("ses_doesnotexist", error.TargetObject);
    }

    [Fact]
    public void Table_view_reads_well_at_100_columns()
    {
        using var engine = new Engine(width: 100);
        engine.Run("Get-OpenCodeSession -DataPath $args[0] | Out-Default", Data);
        // Headers are coloured with VT sequences when the host supports them; the layout is what is checked.
        var plain = System.Text.RegularExpressions.Regex.Replace(engine.Host.Text, "\u001b\\[[0-9;]*m", string.Empty);
        var lines = plain.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        var header = lines.First(l => l.Contains("Updated", StringComparison.Ordinal));
        Assert.Matches(@"^Updated\s+Id\s+Title\s+Tokens\s+Cost$", header.Trim());
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"too wide: '{l}'"));
        Assert.Equal(8, lines.Count(l => l.Contains("ses_", StringComparison.Ordinal)));
        // Every session row ends in its cost, to four decimals below $10.
        Assert.All(lines.Where(l => l.Contains("ses_", StringComparison.Ordinal)), l => Assert.Matches(@"\d\.\d{4}$", l.TrimEnd()));
    }

    [Fact]
    public void Tab_completes_session_ids_from_the_bound_data_path()
    {
        using var engine = new Engine();
        var expected = ExpectedSession.Load("oc-1.18.33").Select(e => e.Id).Order().ToList();
        var matches = engine.Run(
            "$line = \"Get-OpenCodeSession -DataPath '$($args[0])' -Id ses_\"; (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText",
            Data).Select(o => o.ToString()).Order().ToList();
        Assert.Equal(expected, matches);
    }

    [Fact]
    public void Reports_progress_while_reading()
    {
        using var engine = new Engine();
        engine.Run("Get-OpenCodeSession -DataPath $args[0] | Out-Null", Data);
        Assert.Contains(engine.Progress, p => p.RecordType == ProgressRecordType.Completed);
    }
}
