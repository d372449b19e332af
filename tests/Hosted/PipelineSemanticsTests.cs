using System.Diagnostics;
using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// What a pipeline means: nothing piped in selects nothing, piped objects bring their data path, a bad path among
/// several is one error, and wrong arguments fail with the module's own ids.
/// </summary>
public sealed class PipelineSemanticsTests : IDisposable
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private readonly CorruptCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public void Sessions_that_match_nothing_piped_on_give_no_usage()
    {
        using var engine = new Engine();
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Title nomatch | Get-OpenCodeUsage -DataPath $args[0]", Data));
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Title nomatch | Get-OpenCodeUsage -DataPath $args[0] -PerMessage", Data));
        Assert.Empty(engine.Errors);

        // Not in a pipeline at all still means every session.
        Assert.NotEmpty(engine.Run("Get-OpenCodeUsage -DataPath $args[0]", Data));
    }

    [Fact]
    public void An_empty_array_piped_in_gives_no_sessions()
    {
        using var engine = new Engine();
        Assert.Empty(engine.Run("@() | Get-OpenCodeSession -DataPath $args[0]", Data));
        Assert.Empty(engine.Errors);
        Assert.Equal(8, engine.Run("Get-OpenCodeSession -DataPath $args[0]", Data).Count);
    }

    [Fact]
    public void Nothing_piped_into_a_watch_watches_nothing()
    {
        using var engine = new Engine();
        var watch = Stopwatch.StartNew();
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Title nomatch | Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 8", Data));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"the watch ran for {watch.Elapsed}, watching everything");
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Piped_sessions_are_read_from_their_own_data_path()
    {
        var copy = _corpus.Copy("oc-1.18.33", "elsewhere");
        using var engine = new Engine();
        var direct = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage", copy);
        var piped = engine.Run("Get-OpenCodeSession -DataPath $args[0] | Get-OpenCodeUsage -PerMessage", copy);
        Assert.Empty(engine.Errors);
        Assert.Equal(direct.Select(r => r.Properties["MessageId"].Value).Order(), piped.Select(r => r.Properties["MessageId"].Value).Order());
        Assert.All(piped, r => Assert.Equal(copy, r.Properties["DataPath"].Value));

        // Records carry it on again; so does a session read from a database file given directly.
        var sessions = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage | Get-OpenCodeSession | ForEach-Object Id", copy);
        Assert.Empty(engine.Errors);
        Assert.Equal(direct.Select(r => r.Properties["SessionId"].Value).Distinct().Count(), sessions.Count);
        var file = Path.Combine(copy, "opencode.db");
        var fromFile = engine.Run("Get-OpenCodeSession -DataPath $args[0] -First 1", file);
        Assert.Equal(file, Assert.Single(fromFile).Properties["DataPath"].Value);
        Assert.Single(engine.Run("Get-OpenCodeSession -DataPath $args[0] -First 1 | Get-OpenCodeUsage -GroupBy Session", file));
        Assert.Empty(engine.Errors);

        // A watch of piped sessions watches their data path, not the default one.
        engine.Run("Get-OpenCodeSession -DataPath $args[0] -First 1 | Watch-OpenCodeActivity -TimeoutSec 1 -Verbose", copy);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void One_missing_data_path_among_several_is_a_non_terminating_error()
    {
        var missing = Path.Combine(_corpus.Root, "no-such-dir");
        using var engine = new Engine();
        Assert.Equal(8, engine.Run("Get-OpenCodeSession -DataPath $args[0], $args[1]", missing, Data).Count);
        var error = Assert.Single(engine.Errors);
        Assert.StartsWith("DataDirectoryNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(missing, error.TargetObject);

        var rows = engine.Run("Get-OpenCodeUsage -DataPath $args[0], $args[1] -PerMessage", Data, missing);
        Assert.Equal(engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage", Data).Count, rows.Count);
        engine.Run("Get-OpenCodeUsage -DataPath $args[0], $args[1]", Data, missing);
        Assert.StartsWith("DataDirectoryNotFound,", Assert.Single(engine.Errors).FullyQualifiedErrorId);

        // A watch watches the paths that are there.
        engine.Run("Watch-OpenCodeActivity -DataPath $args[0], $args[1] -TimeoutSec 1", missing, Data);
        Assert.StartsWith("DataDirectoryNotFound,", Assert.Single(engine.Errors).FullyQualifiedErrorId);
    }

    [Theory]
    [InlineData("Get-OpenCodeSession -DataPath $args[0] -Id ses_nope")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -SessionId ses_nope")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -SessionId ses_nope -PerMessage")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -SessionId ses_nope -GroupBy Session")]
    [InlineData("Watch-OpenCodeActivity -DataPath $args[0] -SessionId ses_nope -TimeoutSec 2")]
    public void An_exact_session_id_that_names_nothing_is_SessionNotFound_in_every_cmdlet(string command)
    {
        using var engine = new Engine();
        Assert.Empty(engine.Run(command, Data));
        var error = Assert.Single(engine.Errors);
        Assert.StartsWith("SessionNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("ses_nope", error.TargetObject);
        Assert.Equal("No OpenCode session has the id 'ses_nope'.", error.Exception.Message);
    }

    [Theory]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -After 2026-02-01 -Before 2026-01-01", "DateRangeInvalid")]
    [InlineData("Get-OpenCodeSession -DataPath $args[0] -After 2026-02-01 -Before 2026-01-01", "DateRangeInvalid")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Day, Model, Day", "GroupByDuplicate")]
    [InlineData("Get-OpenCodeSession -DataPath $args[0] -Title '[abc'", "WildcardInvalid")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -Model 'gpt[' -PerMessage", "WildcardInvalid")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -SessionId 'ses_[' -GroupBy Session", "WildcardInvalid")]
    public void Wrong_arguments_fail_with_the_modules_own_id(string command, string id)
    {
        using var engine = new Engine();
        var error = engine.RunExpectingTermination(command, Data);
        Assert.StartsWith(id + ",", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Fact]
    public void The_earliest_date_in_a_zone_east_of_UTC_is_DateOutOfRange()
    {
        // The local zone is the process's: a host process of its own, started in Tokyo.
        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            foreach ($command in { Get-OpenCodeUsage -DataPath {{HostProbe.Quote(Data)}} -After ([datetime]::MinValue) },
                                 { Get-OpenCodeSession -DataPath {{HostProbe.Quote(Data)}} -Before ([datetime]::MinValue) }) {
                try { & $command -ErrorAction Stop | Out-Null; 'no error' }
                catch { $_.FullyQualifiedErrorId + '|' + $_.CategoryInfo.Category }
            }
            """, new Dictionary<string, string?> { ["TZ"] = "Asia/Tokyo" });
        Assert.Equal(2, run.Output.Count);
        Assert.All(run.Output, l => Assert.StartsWith("DateOutOfRange,", l));
        Assert.All(run.Output, l => Assert.EndsWith("|InvalidArgument", l));
    }
}
