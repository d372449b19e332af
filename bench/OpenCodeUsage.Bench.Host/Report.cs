using System.Globalization;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Prints the collected samples as a Markdown table: median of the runs, peak memory, how each figure
/// compares with the plain sqlite3 scan and with ccusage, and the issue's targets where they apply.
/// </summary>
internal static class Report
{
    private sealed record Row(string Metric, string Label, Func<string, Stats?, double?>? Target = null, string TargetText = "");

    private sealed record Stats(double Median, int Runs, double? PeakRssMb, double? CpuMedian);

    private static readonly Row[] Rows =
    [
        new("floor.sqlite", "sqlite3 scan of the message table (floor), fresh process"),
        new("ours.import", "Import-Module, fresh process (in-process Stopwatch)", (s, _) => 200, "≤ 200 ms"),
        new("ours.import.process", "… the whole process: start, engine, Import-Module, exit"),
        new("ours.insession.usage_first", "Get-OpenCodeUsage -GroupBy Day, first call of the session"),
        new("ours.insession.usage_cold", "… cold (-NoCache when it exists), in-session", (s, _) => s switch { "M" => 500, "L" => 1500, _ => null }, "M ≤ 500, L ≤ 1500 ms"),
        new("ours.insession.usage_warm", "… warm: same session, nothing changed", (s, _) => s == "L" ? 50 : null, "L ≤ 50 ms"),
        new("ours.insession.usage_after_append", "… same session, after one new message", (s, _) => s == "L" ? 100 : null, "L ≤ 100 ms"),
        new("ours.insession.session", "Get-OpenCodeSession, in-session", (s, _) => s == "L" ? 200 : null, "L ≤ 200 ms"),
        new("ours.e2e.usage-cold", "Get-OpenCodeUsage cold, end to end (process start to exit)", (s, cc) => s == "L" && cc is not null ? 0.4 * cc.Median : null, "L ≤ 0.4 × ccusage"),
        new("ours.e2e.usage-cold.command", "… of which the command (in-process Stopwatch)"),
        new("ours.e2e.usage", "Get-OpenCodeUsage with the persistent cache, end to end"),
        new("ours.e2e.usage.command", "… of which the command", (s, _) => s == "L" ? 300 : null, "L ≤ 300 ms"),
        new("ours.e2e.session", "Get-OpenCodeSession, end to end"),
        new("peer.ccusage", "ccusage opencode daily --json --offline (20.0.24, native)"),
        new("peer.tokscale", "tokscale graph --opencode (1.4.3, native core, on bun)"),
        new("peer.opencode_stats", "opencode stats (1.18.33)"),
    ];

    public static int Print(string resultsPath, string size)
    {
        var samples = File.ReadLines(resultsPath).Select(Sample.Parse).OfType<Sample>().ToList();
        var stats = samples.GroupBy(s => s.Metric).ToDictionary(g => g.Key, g => Summarize(g.ToList()));
        var floor = stats.GetValueOrDefault("floor.sqlite");
        var ccusage = stats.GetValueOrDefault("peer.ccusage");

        Console.WriteLine($"| size {size} | median ms | CPU ms | runs | peak RSS MB | × floor | ÷ ccusage | target | |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var row in Rows)
        {
            if (!stats.TryGetValue(row.Metric, out var s))
            {
                continue;
            }

            var target = row.Target?.Invoke(size, ccusage);
            var verdict = target is null ? "" : s.Median <= target ? "PASS" : "FAIL";
            Console.WriteLine(
                $"| {row.Label} | {Number(s.Median)} | {(s.CpuMedian is { } cpu ? Number(cpu) : "")} | {s.Runs} | {(s.PeakRssMb is { } rss ? Number(rss) : "")} | " +
                $"{Ratio(s.Median, floor)} | {Ratio(s.Median, ccusage)} | {row.TargetText} | {verdict} |");
        }

        var peak = new[] { "ours.e2e.usage-cold", "ours.e2e.usage" }.Select(stats.GetValueOrDefault).OfType<Stats>().Max(s => s.PeakRssMb);
        if (peak is { } mb)
        {
            Console.WriteLine($"| peak memory of a Get-OpenCodeUsage process (max RSS) | | | | {Number(mb)} | | | L ≤ 200 MB | {(size == "L" ? mb <= 200 ? "PASS" : "FAIL" : "")} |");
        }

        foreach (var check in samples.Where(s => s.Metric == "check"))
        {
            Console.WriteLine();
            Console.WriteLine($"Correctness (Get-OpenCodeUsage -GroupBy Day -TimeZone UTC vs expected.json): {check.Note}");
        }

        return 0;
    }

    private static Stats Summarize(List<Sample> samples)
    {
        var rss = samples.Where(s => s.RssMb is not null).Select(s => s.RssMb!.Value).DefaultIfEmpty().Max();
        var cpu = samples.Where(s => s.CpuMs is not null).Select(s => s.CpuMs!.Value).ToList();
        return new Stats(Median(samples.Select(s => s.Ms)), samples.Count, rss == 0 ? null : rss, cpu.Count == 0 ? null : Median(cpu));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Ratio(double value, Stats? reference) =>
        reference is null || reference.Median <= 0 ? "" : (value / reference.Median).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
