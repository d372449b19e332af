using System.Globalization;
using System.Text.Json;
using OpenCodeUsage.Stats;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Stats;

/// <summary>
/// Export-OpenCodeStats on OpenCode 2.x databases: the total section equals the independent 2.x oracle's total
/// (tests/data/v2/oracle_v2.py, committed as expected-usage.tsv): tokens exact, cost within 1e-9, fork copies once,
/// usage no row carries included.
/// </summary>
public sealed class GnomeStatsV2Tests
{
    [Theory]
    [InlineData("native")]
    [InlineData("upgraded-columns")]
    [InlineData("preview-shape")]
    [InlineData("migrated")]
    public void The_total_is_the_oracles(string dataSet)
    {
        var dir = Path.Combine(RepoPaths.TestData, "v2", dataSet);
        var total = File.ReadLines(Path.Combine(dir, "expected-usage.tsv")).Select(l => l.Split('\t')).Single(f => f[0] == "total");
        var tokens = Enumerable.Range(4, 5).Sum(i => long.Parse(total[i], CultureInfo.InvariantCulture));
        var cost = decimal.Parse(total[9], CultureInfo.InvariantCulture);

        var diagnostics = new ReadDiagnostics();
        var json = GnomeStats.Compute(new StatsQuery { DataPaths = [Path.Combine(dir, "opencode")], NoCache = true }, TestEnvironment.Isolated,
            diagnostics, CancellationToken.None);
        Assert.Empty(diagnostics.Failures);
        var section = JsonDocument.Parse(json).RootElement.GetProperty("total");
        Assert.Equal(tokens, section.GetProperty("totalTokens").GetInt64());
        Assert.Equal(cost, section.GetProperty("totalCost").GetDecimal(), 9);
        Assert.Equal(cost, section.GetProperty("costsByModel").EnumerateObject().Sum(m => m.Value.GetDecimal()), 9);
    }
}
