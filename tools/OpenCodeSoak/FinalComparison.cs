using System.Globalization;
using System.Management.Automation;

namespace OpenCodeSoak;

/// <summary>One comparison of our figures with the database's, after the writers stopped.</summary>
public sealed record Comparison(string Name, int Compared, IReadOnlyList<string> Mismatches, string Totals)
{
    public bool Equal => Mismatches.Count == 0 && Compared > 0;
}

/// <summary>
/// Our final figures against the database's own: Get-OpenCodeSession against the session columns OpenCode keeps,
/// Get-OpenCodeUsage against the independent oracle, the watch's step deltas and running totals against the
/// oracle's per-session rows (all without the history forks copied, as the watch reports them).
/// </summary>
internal static class FinalComparison
{
    private const int KeptMismatches = 5;

    public static Comparison Sessions(IReadOnlyList<PSObject> ours, IReadOnlyDictionary<string, (Figures Figures, long Created)> columns)
    {
        var mismatches = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = default(Figures);
        foreach (var session in ours)
        {
            var id = (string)session.Properties["Id"].Value;
            seen.Add(id);
            var figures = new Figures(0, Long(session, "InputTokens"), Long(session, "OutputTokens"), Long(session, "ReasoningTokens"),
                Long(session, "CacheReadTokens"), Long(session, "CacheWriteTokens"), Money(session, "Cost"));
            total += figures;
            if (!columns.TryGetValue(id, out var own))
            {
                mismatches.Add($"{id}: reported but not in the session table");
            }
            else if (!figures.Matches(own.Figures))
            {
                mismatches.Add($"{id}: ours {figures}; OpenCode's {own.Figures}");
            }
        }

        mismatches.AddRange(columns.Keys.Where(id => !seen.Contains(id)).Select(id => $"{id}: in the session table but not reported"));
        return new Comparison("Get-OpenCodeSession vs OpenCode's session columns (cost, tokens_*)", columns.Count, Keep(mismatches), total.ToString());
    }

    public static Comparison Usage(string name, IReadOnlyList<PSObject> ours, Oracle oracle, string grouping, Func<PSObject, string> key)
    {
        var expected = oracle.Rows(grouping).ToDictionary(r => r.Key, r => r.Figures, StringComparer.Ordinal);
        var mismatches = new List<string>();
        var total = default(Figures);
        foreach (var row in ours)
        {
            var k = key(row);
            var figures = new Figures(Long(row, "Messages"), Long(row, "InputTokens"), Long(row, "OutputTokens"), Long(row, "ReasoningTokens"),
                Long(row, "CacheReadTokens"), Long(row, "CacheWriteTokens"), Money(row, "Cost"));
            total += figures;
            if (!expected.Remove(k, out var want))
            {
                mismatches.Add($"{k}: reported but not in the oracle's {grouping} rows");
            }
            else if (!figures.Matches(want))
            {
                mismatches.Add($"{k}: ours {figures}; oracle {want}");
            }

            // Priced from the config OpenCode itself priced with, the estimate must be what OpenCode stored.
            if (row.Properties["EstimatedCost"]?.Value is not decimal estimated || Math.Abs(estimated - figures.Cost) > Figures.CostTolerance)
            {
                mismatches.Add($"{k}: EstimatedCost {row.Properties["EstimatedCost"]?.Value ?? "empty"}, stored cost {figures.Cost}");
            }
        }

        mismatches.AddRange(expected.Keys.Select(k => $"{k}: in the oracle's {grouping} rows but not reported"));
        if (!total.Matches(oracle["total", "all"]))
        {
            mismatches.Add($"total: ours {total}; oracle {oracle["total", "all"]}");
        }

        return new Comparison(name, ours.Count, Keep(mismatches), total.ToString());
    }

    /// <summary>
    /// Sessions created while the watch ran must each have been announced, their steps must add up to the oracle's
    /// row and their tool calls must be reported started and ended as OpenCode recorded them; every session with a
    /// step must end on running totals equal to that row.
    /// </summary>
    public static Comparison Watch(WatchRecorder watch, Oracle oracle, IReadOnlyDictionary<string, (Figures Figures, long Created)> columns,
        IReadOnlyList<(string PartId, string SessionId, string Status)> tools, long watchStartMs)
    {
        var steps = watch.Steps;
        var mismatches = new List<string>();
        var bySession = steps.GroupBy(s => s.SessionId).ToDictionary(g => g.Key, g => g.ToList());
        var newSessions = columns.Where(c => c.Value.Created >= watchStartMs).Select(c => c.Key).ToList();
        var watched = default(Figures);
        var expectedTotal = default(Figures);
        foreach (var id in newSessions)
        {
            var want = oracle["session", id];
            expectedTotal += want;
            var own = bySession.GetValueOrDefault(id) ?? [];
            var sum = own.Aggregate(default(Figures), (a, s) => a + s.Step);
            watched += sum;
            if (!watch.SawCreation(id))
            {
                mismatches.Add($"{id}: created while watched, never announced");
            }

            if (!sum.Matches(want))
            {
                mismatches.Add($"{id}: watched steps add up to {sum}; oracle {want}");
            }
        }

        foreach (var (id, own) in bySession)
        {
            var want = oracle["session", id];
            if (!own[^1].SessionTotals.Matches(want, compareMessages: false))
            {
                mismatches.Add($"{id}: last running total {own[^1].SessionTotals}; oracle {want}");
            }
        }

        // Tool calls of those sessions: each reported started, and ended once OpenCode recorded its end.
        var newSet = newSessions.ToHashSet(StringComparer.Ordinal);
        foreach (var (part, session, status) in tools.Where(t => newSet.Contains(t.SessionId)))
        {
            var (started, ended) = watch.Tool(part);
            var done = status is "completed" or "error";
            if (!started || ended != done)
            {
                mismatches.Add($"{session} tool part {part} ({status}): reported {(started ? "started" : "never started")}, {(ended ? "ended" : "never ended")}");
            }
        }

        if (!watched.Matches(expectedTotal))
        {
            mismatches.Add($"all new sessions: watched {watched}; oracle {expectedTotal}");
        }

        return new Comparison($"Watch-OpenCodeActivity vs oracle and tool parts: {newSessions.Count} sessions created while watched (announced, step deltas, running totals, tool starts and ends)",
            bySession.Count, Keep(mismatches), watched.ToString());
    }

    public static string Day(PSObject row) =>
        row.Properties["Date"].Value is DateTime d ? d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "?";

    public static string SessionKey(PSObject row) => row.Properties["SessionId"].Value as string ?? "?";

    private static List<string> Keep(List<string> all) =>
        all.Count <= KeptMismatches ? all : [.. all.Take(KeptMismatches), $"… and {all.Count - KeptMismatches} more"];

    private static long Long(PSObject item, string name) => Convert.ToInt64(item.Properties[name]?.Value ?? 0L, CultureInfo.InvariantCulture);

    private static decimal Money(PSObject item, string name) => Convert.ToDecimal(item.Properties[name]?.Value ?? 0m, CultureInfo.InvariantCulture);
}
