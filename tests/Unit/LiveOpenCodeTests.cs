using System.Diagnostics;
using Microsoft.Data.Sqlite;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>
/// Data made just now by the real OpenCode CLI against the in-repo mock LLM: our figures equal OpenCode's own
/// session columns and the independent oracle's, on data no test author typed or saw.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class LiveOpenCodeTests(LiveScenarioFixture live)
{
    [SkippableFact]
    public void Session_figures_equal_OpenCodes_own_columns()
    {
        var result = live.Result();
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = [result.DataDirectory] }, TestEnvironment.Isolated,
            new ReadDiagnostics(), null, CancellationToken.None).ToDictionary(s => s.Id);
        using var connection = new SqliteConnection($"Data Source={result.DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, cost, tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write FROM session";
        using var reader = command.ExecuteReader();
        var count = 0;
        while (reader.Read())
        {
            var s = sessions[reader.GetString(0)];
            Assert.InRange(Math.Abs(s.Cost - (decimal)reader.GetDouble(1)), 0m, 1e-9m);
            Assert.Equal(reader.GetInt64(2), s.InputTokens);
            Assert.Equal(reader.GetInt64(3), s.OutputTokens);
            Assert.Equal(reader.GetInt64(4), s.ReasoningTokens);
            Assert.Equal(reader.GetInt64(5), s.CacheReadTokens);
            Assert.Equal(reader.GetInt64(6), s.CacheWriteTokens);
            count++;
        }

        Assert.Equal(sessions.Count, count);
        Assert.Equal(result.FirstSessionId, sessions[result.ForkSessionId!].ForkOfId);
        Assert.Equal(result.SubagentParentSessionId, sessions[result.SubagentSessionId!].ParentId);
    }

    [SkippableFact]
    public void Usage_equals_the_independent_oracle()
    {
        var result = live.Result();
        var expected = Oracle(result.DataDirectory);
        foreach (var (grouping, groupBy, zone) in new[] { ("day-utc", UsageGrouping.Day, "UTC"), ("model", UsageGrouping.Model, "UTC"), ("session", UsageGrouping.Session, "UTC") })
        {
            var rows = UsageReport.Summarize(
                new UsageQuery { DataPaths = [result.DataDirectory], GroupBy = [groupBy], TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone), PricingPath = result.ConfigPath() },
                TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);
            var want = expected.Where(e => e[0] == grouping).ToList();
            Assert.Equal(want.Count, rows.Count);
            foreach (var (w, r) in want.Zip(rows))
            {
                Assert.Equal(int.Parse(w[3]), r.Messages);
                Assert.Equal(long.Parse(w[4]), r.InputTokens);
                Assert.Equal(long.Parse(w[5]), r.OutputTokens);
                Assert.Equal(long.Parse(w[6]), r.ReasoningTokens);
                Assert.Equal(long.Parse(w[7]), r.CacheReadTokens);
                Assert.Equal(long.Parse(w[8]), r.CacheWriteTokens);
                Assert.InRange(Math.Abs(r.Cost - decimal.Parse(w[9], System.Globalization.CultureInfo.InvariantCulture)), 0m, 1e-9m);
                // Prices come from the config OpenCode itself priced with.
                Assert.InRange(Math.Abs(r.EstimatedCost!.Value - r.Cost), 0m, 1e-9m);
            }
        }
    }

    /// <summary>Runs tests/data/oracle.py, the independent implementation, on the fresh data dir.</summary>
    private static List<string[]> Oracle(string dataDirectory)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.TestData, "oracle.py"));
        start.ArgumentList.Add(dataDirectory);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return output.Split('\n').Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList();
    }
}

[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveScenarioFixture>
{
    public const string Name = "Live OpenCode";
}

/// <summary>One real OpenCode scenario, run once for all live tests: sessions, a second turn, a subagent and a fork.</summary>
public sealed class LiveScenarioFixture : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-live-").FullName;
    private readonly Lazy<ScenarioResult?> _result;

    public LiveScenarioFixture()
    {
        _result = new Lazy<ScenarioResult?>(() =>
        {
            var binary = OpenCodeFixture.OpenCodeCli.Find();
            if (binary is null)
            {
                return null;
            }

            var options = new ScenarioOptions
            {
                OutputDirectory = Path.Combine(_root, "run"),
                OpenCodeBinary = binary,
                Sessions = 3,
                Steps = ScenarioSteps.SecondTurn | ScenarioSteps.Subagent | ScenarioSteps.Fork,
            };
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var result = OpenCodeScenario.RunAsync(options, timeout.Token).GetAwaiter().GetResult();
            Assert.True(result.AllSucceeded, "the OpenCode scenario failed: " + string.Join("; ", result.Steps.Where(s => s.ExitCode != 0).Select(s => s.Label + " " + s.ErrorOutput)));
            return result;
        });
    }

    public ScenarioResult Result()
    {
        LiveOpenCode.Binary();
        return _result.Value!;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}

internal static class ScenarioResultExtensions
{
    /// <summary>The OpenCode config the scenario wrote: it holds the prices OpenCode computed costs with.</summary>
    public static string ConfigPath(this ScenarioResult result) =>
        Path.Combine(result.OutputDirectory, "home", ".config", "opencode", "opencode.json");
}
