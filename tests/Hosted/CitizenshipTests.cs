using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>What a PowerShell user expects of any module: -Verbose, completion, ordering, -Confirm, helpful errors.</summary>
public sealed class CitizenshipTests : IDisposable
{
    private const string DataSet = "oc-1.18.33";
    private static readonly string Data = RepoPaths.DataDir(DataSet);
    private readonly CorruptCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public void Verbose_says_which_database_was_read_how_the_cache_served_it_and_the_rows()
    {
        var copy = _corpus.Copy(DataSet, "verbose");
        var db = Path.Combine(copy, "opencode.db");
        using var engine = new Engine();
        var sessions = engine.Run("Get-OpenCodeSession -DataPath $args[0] -NoCache -Verbose", copy);
        var messages = sessions.Sum(s => (int)s.Properties["MessageCount"].Value);
        var line = Assert.Single(engine.Verbose, v => v.Message.Contains(db, StringComparison.Ordinal)).Message;
        Assert.Contains("SQLite database (OpenCode 1.x tables)", line);
        Assert.Contains("cache not used", line);
        Assert.Contains($"{sessions.Count:N0} sessions, {messages:N0} messages", line);

        engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -Verbose", copy);
        Assert.Contains("cache miss", Assert.Single(engine.Verbose, v => v.Message.Contains(db, StringComparison.Ordinal)).Message);
        engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -Verbose", copy);
        Assert.Contains("cache hit, file unchanged", Assert.Single(engine.Verbose, v => v.Message.Contains(db, StringComparison.Ordinal)).Message);
        engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Verbose", copy);
        engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Verbose", copy);
        Assert.Contains(engine.Verbose, v => v.Message.StartsWith("Answered from memory", StringComparison.Ordinal));

        var legacy = RepoPaths.DataDir("oc-1.1.65");
        engine.Run("Get-OpenCodeSession -DataPath $args[0] -Verbose", legacy);
        Assert.Contains(engine.Verbose, v => v.Message.Contains("legacy JSON storage", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("v2/native", "OpenCode 2.x tables")]
    [InlineData("v2/preview-1.18.18", "OpenCode 2.0 preview")]
    [InlineData("v2/migrated", "migrated to 2.x, both read")]
    [InlineData("oc-1.18.33", "OpenCode 1.x tables")]
    public void Verbose_names_the_storage_generation_cold_and_from_the_cache(string dataSet, string generation)
    {
        var copy = _corpus.Copy(dataSet, "generation-" + dataSet.Replace('/', '-'));
        using var engine = new Engine();
        foreach (var _ in new[] { "cold", "cached" })
        {
            engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -Verbose", copy);
            Assert.Contains(generation, Assert.Single(engine.Verbose, v => v.Message.Contains("opencode.db", StringComparison.Ordinal)).Message);
        }
    }

    [Theory]
    [InlineData("Provider", "provider")]
    [InlineData("Agent", "agent")]
    public void Provider_and_Agent_complete_from_the_data(string parameter, string grouping)
    {
        var expected = ExpectedUsage.Load(DataSet).Where(e => e.Grouping == grouping).Select(e => e.Key).Order(StringComparer.Ordinal);
        using var engine = new Engine();
        Assert.Equal(expected, Complete(engine, $"Get-OpenCodeUsage -DataPath '{Data}' -{parameter} ").Order(StringComparer.Ordinal));
        var first = expected.First();
        Assert.Contains(first, Complete(engine, $"Get-OpenCodeUsage -DataPath '{Data}' -{parameter} {first[..1]}"));
    }

    [Theory]
    [InlineData("Get-OpenCodeUsage")]
    [InlineData("Get-OpenCodeSession")]
    [InlineData("Watch-OpenCodeActivity")]
    public void Project_completes_with_the_projects_names(string command)
    {
        using var engine = new Engine();
        var names = engine.Run("Get-OpenCodeSession -DataPath $args[0] | ForEach-Object ProjectName | Sort-Object -Unique", Data)
            .Select(o => o.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(names, Complete(engine, $"{command} -DataPath '{Data}' -Project ").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GroupBy_Project_is_ordered_by_project_name()
    {
        // alpha's id (69cd…) sorts after beta's (0402…): ordered by id, beta would come first.
        using var engine = new Engine();
        var names = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Project | ForEach-Object Project", Data).Select(o => o.ToString()).ToList();
        Assert.Equal(["alpha", "beta"], names);
        var byMonth = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Project, Month | ForEach-Object Project", Data).Select(o => o.ToString()).ToList();
        Assert.Equal(byMonth.Order(StringComparer.OrdinalIgnoreCase), byMonth);
    }

    [Fact]
    public void Confirm_shows_the_command_lines_a_delegation_would_run()
    {
        var dir = Directory.CreateTempSubdirectory("ocu-confirm-").FullName;
        try
        {
            using var engine = new Engine();
            engine.Host.Choices.Enqueue(2); // No
            engine.Run("Invoke-OpenCodeDelegate -Prompt 'say hi' -Directory $args[0] -Model mock/mock-fast -Fresh -Confirm", dir);
            var prompt = Assert.Single(engine.Host.Prompts);
            Assert.Contains(dir, prompt);
            Assert.Contains("run", prompt);
            Assert.Contains("mock/mock-fast", prompt);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Confirm_names_the_stats_file_and_the_data_it_counts()
    {
        var target = Path.Combine(_corpus.Root, "stats.json");
        using var engine = new Engine();
        engine.Host.Choices.Enqueue(2); // No
        engine.Run("Export-OpenCodeStats -Path $args[0] -DataPath $args[1] -Confirm", target, Data);
        var prompt = Assert.Single(engine.Host.Prompts);
        Assert.Contains(target, prompt);
        Assert.Contains(Data, prompt);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_folder_without_a_database_suggests_DataPath()
    {
        var empty = Path.Combine(_corpus.Root, "empty");
        Directory.CreateDirectory(empty);
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("Get-OpenCodeUsage -DataPath $args[0]", empty);
        Assert.StartsWith("DatabaseNotFound,", error.FullyQualifiedErrorId);
        Assert.Contains("-DataPath", error.Exception.Message);
    }

    [Theory]
    [InlineData("Get-OpenCodeUsage")]
    [InlineData("Get-OpenCodeSession")]
    public void The_shared_parameters_are_declared_once_on_the_base(string command)
    {
        using var engine = new Engine();
        foreach (var parameter in new[] { "DataPath", "NoCache", "After", "Before", "Project" })
        {
            var declaring = engine.Run("(Get-Command $args[0]).ImplementingType.GetProperty($args[1]).DeclaringType.Name", command, parameter);
            Assert.Equal("OpenCodeDataCmdlet", Assert.Single(declaring).ToString());
        }
    }

    private static List<string> Complete(Engine engine, string line) =>
        engine.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object ListItemText", line)
            .Select(o => o.ToString()).ToList();
}
