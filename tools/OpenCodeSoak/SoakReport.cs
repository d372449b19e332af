using System.Globalization;
using System.Text;

namespace OpenCodeSoak;

/// <summary>Everything one soak measured, and what in it breaks the rules: <see cref="Problems"/> must stay empty.</summary>
public sealed record SoakReport
{
    public required DateTimeOffset Started { get; init; }
    public required string OpenCodeVersion { get; init; }
    public required int Workers { get; init; }
    public required PhaseFigures Baseline { get; init; }
    public required PhaseFigures WithUs { get; init; }
    public required WrittenCounts Written { get; init; }
    public required WrittenCounts WrittenWithUs { get; init; }
    public required int ReaderRounds { get; init; }
    public required IReadOnlyDictionary<string, int> ReaderCalls { get; init; }
    public required long ReaderObjects { get; init; }
    public required int OurErrors { get; init; }
    public required int OurWarnings { get; init; }
    public required IReadOnlyList<string> OurProblemSamples { get; init; }
    public required int WatchEvents { get; init; }
    public required IReadOnlyDictionary<string, int> WatchEventsByKind { get; init; }
    public required IReadOnlyList<Comparison> Comparisons { get; init; }
    public required long WalMarginBytes { get; init; }

    /// <summary>The -wal size at which SQLite's automatic checkpoint runs (1000 pages, each with its 24-byte frame header).</summary>
    public required long WalCheckpointBytes { get; init; }

    /// <summary>
    /// The most the -wal may reach with us: what it reached without us, or, when a short baseline ended before the
    /// file reached the automatic checkpoint's size (where OpenCode's -wal levels off), that size; plus the margin.
    /// </summary>
    public long WalAllowedBytes => Math.Max(Baseline.MaxWalBytes, WalCheckpointBytes) + WalMarginBytes;
    public required string Load { get; init; }

    /// <summary>The rules of the soak, each broken one said in a sentence.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (OurErrors > 0 || OurWarnings > 0)
            {
                problems.Add($"our side wrote {OurErrors} errors and {OurWarnings} warnings: {string.Join(" | ", OurProblemSamples)}");
            }

            foreach (var phase in new[] { Baseline, WithUs })
            {
                if (phase.FailedRuns > 0)
                {
                    problems.Add($"{phase.FailedRuns} of {phase.Runs} opencode runs failed in the {phase.Name} phase: {string.Join(" | ", phase.Failures.Take(3))}");
                }

                if (phase.Complaints.Count > 0)
                {
                    problems.Add($"OpenCode reported a busy or locked database {phase.Complaints.Count} times in the {phase.Name} phase: {string.Join(" | ", phase.Complaints.Take(3))}");
                }

                if (phase.Runs == 0)
                {
                    problems.Add($"no opencode run finished in the {phase.Name} phase");
                }
            }

            if (WithUs.MaxWalBytes > WalAllowedBytes)
            {
                problems.Add($"the -wal grew to {Mb(WithUs.MaxWalBytes)} with us, {Mb(Baseline.MaxWalBytes)} without (allowed {Mb(WalAllowedBytes)})");
            }

            if (ReaderCalls.Values.Any(c => c == 0) || WatchEvents == 0)
            {
                problems.Add("the soak did not exercise every cmdlet: " + string.Join(", ", ReaderCalls.Select(c => $"{c.Key}: {c.Value}")) + $", watch events: {WatchEvents}");
            }

            problems.AddRange(Comparisons.Where(c => !c.Equal).Select(c => $"{c.Name}: {(c.Compared == 0 ? "nothing compared" : string.Join(" | ", c.Mismatches))}"));
            return problems;
        }
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        void Row(string figure, string value) => s.Append(CultureInfo.InvariantCulture, $"| {figure} | {value} |\n");
        s.Append(CultureInfo.InvariantCulture, $"Soak of {Started:yyyy-MM-dd HH:mm}Z: OpenCode {OpenCodeVersion}, {Workers} concurrent `opencode run` workers against the mock LLM; {Environment.ProcessorCount} cores; load average {Load}.\n\n");
        s.Append("| figure | value |\n|---|---|\n");
        Row("minutes soaked with us (baseline alone)", $"{WithUs.Duration.TotalMinutes:0.0} ({Baseline.Duration.TotalMinutes:0.0})");
        Row("opencode runs with us / baseline (failed)", $"{WithUs.Runs} / {Baseline.Runs} ({WithUs.FailedRuns} / {Baseline.FailedRuns})");
        Row("sessions written with us / in all (subagent children, forks)", $"{WrittenWithUs.Sessions} / {Written.Sessions} ({Written.SubagentSessions}, {Written.Forks})");
        Row("message rows with us / in all (assistant in all)", $"{WrittenWithUs.MessageRows} / {Written.MessageRows} ({Written.AssistantMessages})");
        Row("part rows in all", $"{Written.Parts}");
        Row("our calls (rounds of the loop)", $"{ReaderCalls.Values.Sum()} ({ReaderRounds}); " + string.Join("; ", ReaderCalls.Select(c => $"`{c.Key.Replace(" -DataPath $args[0]", "", StringComparison.Ordinal).Replace(" -PricingPath $args[1]", "", StringComparison.Ordinal)}` {c.Value}")));
        Row("objects our calls returned", $"{ReaderObjects}");
        Row("our errors / warnings", $"{OurErrors} / {OurWarnings}");
        Row("watch events", $"{WatchEvents} (" + string.Join(", ", WatchEventsByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}")) + ")");
        Row("max -wal size: baseline / with us", $"{Mb(Baseline.MaxWalBytes)} / {Mb(WithUs.MaxWalBytes)} (allowed {Mb(WalAllowedBytes)}: the larger of the baseline's and the auto-checkpoint size {Mb(WalCheckpointBytes)}, + {Mb(WalMarginBytes)}; {Baseline.WalSamples} / {WithUs.WalSamples} samples, -wal present in {Baseline.SamplesWithWal} / {WithUs.SamplesWithWal})");
        Row("busy/locked reports by OpenCode (its output and log): baseline / with us", $"{Baseline.Complaints.Count} / {WithUs.Complaints.Count}");
        Row("OpenCode log lines at level ERROR: baseline / with us", $"{Baseline.LoggedErrors.Count} / {WithUs.LoggedErrors.Count}"
            + string.Concat(Baseline.LoggedErrors.Concat(WithUs.LoggedErrors).Take(3).Select(e => " · " + (e.Length > 200 ? e[..200] : e))));
        foreach (var comparison in Comparisons)
        {
            Row(comparison.Name, (comparison.Equal ? "equal" : "DIFFERENT: " + string.Join(" | ", comparison.Mismatches)) + $" ({comparison.Compared} rows; {comparison.Totals})");
        }

        var problems = Problems;
        s.Append('\n').Append(problems.Count == 0 ? "PASS\n" : "FAIL\n" + string.Join("\n", problems.Select(p => "- " + p)) + "\n");
        return s.ToString();
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.00} MiB");
}
