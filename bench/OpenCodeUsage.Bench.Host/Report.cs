using System.Globalization;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Prints the collected samples as a Markdown table: median of the runs, peak memory, how each figure compares
/// with the plain sqlite3 scan and with ccusage, and the targets of issue 17, which are ratios measured in the same
/// run (a busy or slower machine moves both sides). Each target is judged on the wall time and, separately, on the
/// CPU time (user + system), which other work on the machine disturbs less.
/// </summary>
internal static class Report
{
    /// <summary>A target: at most <paramref name="Factor"/> times the figure of the row <paramref name="Reference"/>.</summary>
    private sealed record Target(string Reference, double Factor, string Text, bool AtEverySize = false);

    private sealed record Row(string Metric, string Label, Target? Target = null);

    private sealed record Stats(double Median, int Runs, double? PeakRssMb, double? CpuMedian);

    private const string Floor = "floor.sqlite", Ccusage = "peer.ccusage";

    private static readonly Target ColdInSession = new(Floor, 3, "M, L ≤ 3 × floor");
    private static readonly Target EndToEndCold = new(Ccusage, 0.25, "M, L ≤ 0.25 × ccusage");
    private static readonly Target WithCache = new(Floor, 1.5, "M, L ≤ 1.5 × floor");

    private static readonly Row[] Rows =
    [
        new(Floor, "sqlite3 scan of the message table (floor), fresh process"),
        new("ours.import", "Import-Module, fresh process (in-process Stopwatch)"),
        new("ours.import.process", "… the whole process: start, engine, Import-Module, exit"),
        new("ours.insession.usage_first", "Get-OpenCodeUsage -GroupBy Day, first call of the session",
            new("ours.insession.usage_cold", 1.3, "M, L ≤ 1.3 × cold in-session")),
        new("ours.insession.usage_cold", "… cold (-NoCache), in-session", ColdInSession),
        new("ours.insession.usage_warm", "… warm: same session, nothing changed"),
        new("ours.insession.usage_after_append", "… same session, after one new message"),
        new("ours.insession.session", "Get-OpenCodeSession, in-session"),
        new("ours.e2e.usage-cold", "Get-OpenCodeUsage cold, end to end (process start to exit)", EndToEndCold),
        new("ours.e2e.usage-cold.command", "… of which the command (in-process Stopwatch)"),
        new("ours.e2e.usage", "with the persistent cache, the same question, end to end"),
        new("ours.e2e.usage.command", "… of which the command", WithCache),
        new("ours.e2e.usage-model", "with the persistent cache, another question (-GroupBy Model), end to end"),
        new("ours.e2e.usage-model.command", "… of which the command", WithCache),
        new("ours.e2e.session", "Get-OpenCodeSession, end to end"),
        new("pwsh.insession.usage_first", "real pwsh 7.6.9: first call of the session",
            new("pwsh.insession.usage_cold", 1.3, "M, L ≤ 1.3 × cold in-session")),
        new("pwsh.insession.usage_cold", "real pwsh: cold (-NoCache), in-session", ColdInSession),
        new("pwsh.e2e.usage-cold", "real pwsh: cold, end to end (pwsh -c, start to exit)", EndToEndCold),
        new("pwsh.e2e.usage-cold.command", "… of which the command"),
        new("pwsh.e2e.usage-model", "real pwsh: persistent cache, another question, end to end"),
        new("pwsh.e2e.usage-model.command", "… of which the command", WithCache),
        new(Ccusage, "ccusage opencode daily --json --offline (20.0.24, native)"),
        new("peer.tokscale", "tokscale graph --opencode (1.4.3, native core, on bun)"),
        new("peer.opencode_stats", "opencode stats (1.18.33)"),
    ];

    public static int Print(string resultsPath, string size)
    {
        var samples = File.ReadLines(resultsPath).Select(Sample.Parse).OfType<Sample>().ToList();
        var stats = samples.GroupBy(s => s.Metric).ToDictionary(g => g.Key, g => Summarize(g.ToList()));
        var floor = stats.GetValueOrDefault(Floor);
        var ccusage = stats.GetValueOrDefault(Ccusage);
        var judged = size is "M" or "L";

        Console.WriteLine($"| size {size} | median ms | CPU ms | runs | peak RSS MB | × floor | CPU × floor | ÷ ccusage | target | wall | CPU |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|");
        foreach (var row in Rows)
        {
            if (!stats.TryGetValue(row.Metric, out var s))
            {
                continue;
            }

            var (wall, cpu) = row.Target is { } t && (judged || t.AtEverySize) ? Judge(s, stats.GetValueOrDefault(t.Reference), t.Factor) : ("", "");
            Console.WriteLine(
                $"| {row.Label} | {Number(s.Median)} | {(s.CpuMedian is { } c ? Number(c) : "")} | {s.Runs} | {(s.PeakRssMb is { } rss ? Number(rss) : "")} | " +
                $"{Ratio(s.Median, floor?.Median)} | {Ratio(s.CpuMedian, floor?.CpuMedian)} | {Ratio(s.Median, ccusage?.Median)} | {row.Target?.Text} | {wall} | {cpu} |");
        }

        PeakMemory("ours", stats, ccusage, judged, "ours.e2e.usage-cold", "ours.e2e.usage", "ours.e2e.usage-model");
        PeakMemory("real pwsh", stats, ccusage, judged, "pwsh.e2e.usage-cold", "pwsh.e2e.usage-model");

        foreach (var check in samples.Where(s => s.Metric == "check"))
        {
            Console.WriteLine();
            Console.WriteLine($"Correctness (Get-OpenCodeUsage -GroupBy Day -TimeZone UTC vs expected.json): {check.Note}");
        }

        return 0;
    }

    /// <summary>The largest RSS of the processes that ran Get-OpenCodeUsage, against ccusage's.</summary>
    private static void PeakMemory(string who, Dictionary<string, Stats> stats, Stats? ccusage, bool judged, params string[] metrics)
    {
        var peak = metrics.Select(stats.GetValueOrDefault).OfType<Stats>().Max(s => s.PeakRssMb);
        if (peak is not { } mb)
        {
            return;
        }

        var verdict = judged && ccusage?.PeakRssMb is { } theirs ? mb <= 0.15 * theirs ? "PASS" : "FAIL" : "";
        var ratio = ccusage?.PeakRssMb is { } cc ? (mb / cc).ToString("0.00", CultureInfo.InvariantCulture) + " × ccusage's" : "";
        Console.WriteLine($"| peak memory of a Get-OpenCodeUsage process, {who} (max RSS) | | | | {Number(mb)} | | | {ratio} | M, L ≤ 0.15 × ccusage's | {verdict} | |");
    }

    private static (string Wall, string Cpu) Judge(Stats s, Stats? reference, double factor)
    {
        if (reference is null)
        {
            return ("", "");
        }

        var wall = s.Median <= factor * reference.Median ? "PASS" : "FAIL";
        var cpu = s.CpuMedian is { } mine && reference.CpuMedian is { } theirs && theirs > 0 ? mine <= factor * theirs ? "PASS" : "FAIL" : "";
        return (wall, cpu);
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

    private static string Ratio(double? value, double? reference) =>
        value is not { } v || reference is not { } r || r <= 0 ? "" : (v / r).ToString("0.00", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString(value >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture);
}
