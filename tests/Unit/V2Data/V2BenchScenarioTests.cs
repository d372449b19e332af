using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>The bench's 2.x database (a small one here) and its expected.json agree with the independent oracle, day by day.</summary>
public sealed class V2BenchScenarioTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ocu-v2bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void The_expected_figures_of_a_bench_database_are_the_oracles()
    {
        var dataDir = Path.Combine(_dir, "opencode");
        var result = BenchScenario.Write(dataDir, rowBudget: 3000, seed: 7, size: "test");
        Assert.True(result.Forks > 0 && result.Children > 0 && result.CopiedRows > 0, "the small database still has forks and subagents");

        ProcessStartInfo start = new("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepoPaths.TestData, "v2", "oracle_v2.py"));
        start.ArgumentList.Add(dataDir);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SkipException("python3 is not installed");
        }
        string output;
        using (process)
        {
            output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(60_000));
            Assert.Equal(0, process.ExitCode);
        }
        var oracle = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t'))
            .ToLookup(f => f[0], f => f);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDir, "opencode.db.expected.json")));
        var days = expected.RootElement.GetProperty("daysUtc").EnumerateArray().ToDictionary(d => d.GetProperty("date").GetString()!);
        Assert.Equal(days.Keys.Order(StringComparer.Ordinal), oracle["day-utc"].Select(f => f[1]).Order(StringComparer.Ordinal));
        foreach (var f in oracle["day-utc"].Concat(oracle["total"]))
        {
            var want = f[0] == "total" ? expected.RootElement.GetProperty("dedup") : days[f[1]];
            Assert.Equal(want.GetProperty("assistantMessages").GetInt64(), long.Parse(f[3], CultureInfo.InvariantCulture));
            Assert.Equal(want.GetProperty("input").GetInt64(), long.Parse(f[4], CultureInfo.InvariantCulture));
            Assert.Equal(want.GetProperty("output").GetInt64(), long.Parse(f[5], CultureInfo.InvariantCulture));
            Assert.Equal(want.GetProperty("reasoning").GetInt64(), long.Parse(f[6], CultureInfo.InvariantCulture));
            Assert.Equal(want.GetProperty("cacheRead").GetInt64(), long.Parse(f[7], CultureInfo.InvariantCulture));
            Assert.Equal(want.GetProperty("cacheWrite").GetInt64(), long.Parse(f[8], CultureInfo.InvariantCulture));
            Assert.Equal((double)want.GetProperty("cost").GetDecimal(), double.Parse(f[9], CultureInfo.InvariantCulture), 8);
        }
    }
}
