using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// Usage as Prometheus metrics: tokens by kind, cost and assistant messages as counters, sessions by status as a
/// gauge. The figures are Get-OpenCodeUsage's own (UsageReport, so a fork's copied history counts once), grouped by
/// the labels kept; a label left out is summed over, so the user holds the number of series.
/// </summary>
public static class UsageMetrics
{
    public const string Tokens = "opencode_tokens_total";
    public const string Cost = "opencode_cost_usd_total";
    public const string EstimatedCost = "opencode_estimated_cost_usd_total";
    public const string Messages = "opencode_assistant_messages_total";
    public const string SessionCount = "opencode_sessions";

    /// <summary>The usage labels in the order they are written.</summary>
    private static readonly (MetricLabel Label, string Name)[] UsageLabels =
    [
        (MetricLabel.Machine, "machine"), (MetricLabel.Provider, "provider"), (MetricLabel.Model, "model"),
        (MetricLabel.Project, "project"), (MetricLabel.Agent, "agent"),
    ];

    /// <summary>Token kinds as the kind label names them, each with its figure.</summary>
    private static readonly (string Kind, Func<UsageSummary, long> Figure)[] TokenKinds =
    [
        ("input", s => s.InputTokens), ("output", s => s.OutputTokens), ("reasoning", s => s.ReasoningTokens),
        ("cache_read", s => s.CacheReadTokens), ("cache_write", s => s.CacheWriteTokens),
    ];

    public static MetricSet Compute(MetricsQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        var kept = UsageLabels.Where(l => query.Labels.Contains(l.Label)).ToArray();
        var names = kept.Select(l => l.Name).ToArray();
        var set = new MetricSet();
        set.Define(Tokens, MetricType.Counter, "Tokens used by OpenCode's assistant messages, by kind (a fork's copied history counted once).", [.. names, "kind"]);
        set.Define(Cost, MetricType.Counter, "Cost in USD that OpenCode recorded for its assistant messages.", names);
        set.Define(EstimatedCost, MetricType.Counter, "Cost in USD estimated from model prices; absent where a model has no known price.", names);
        set.Define(Messages, MetricType.Counter, "Assistant messages (model calls) OpenCode recorded.", names);

        var summaries = UsageReport.Summarize(ToUsageQuery(query), environment, diagnostics, progress, cancellationToken);
        var unpriced = new HashSet<string>(StringComparer.Ordinal);
        var rows = summaries.Select(s => (Summary: s, Labels: kept.Select(l => LabelValue(l.Label, s, query.Machine)).ToArray())).ToList();
        foreach (var (summary, labels) in rows)
        {
            foreach (var (kind, figure) in TokenKinds)
            {
                set.Add(Tokens, figure(summary), [.. labels, kind]);
            }

            set.Add(Cost, summary.Cost, labels);
            set.Add(Messages, summary.Messages, labels);
            if (summary.EstimatedCost is null)
            {
                unpriced.Add(string.Join('\n', labels));
            }
        }

        // A series folding a group without an estimate would be a partial sum that reads as a whole one: left out.
        foreach (var (summary, labels) in rows.Where(r => !unpriced.Contains(string.Join('\n', r.Labels))))
        {
            set.Add(EstimatedCost, summary.EstimatedCost!.Value, labels);
        }

        AddSessions(set, query, environment, cancellationToken);
        return set;
    }

    /// <summary>What Get-OpenCodeUsage would be asked for the same figures: grouped by the labels kept.</summary>
    internal static UsageQuery ToUsageQuery(MetricsQuery query)
    {
        var grouping = new List<UsageGrouping>();
        if (query.Labels.Contains(MetricLabel.Model))
        {
            grouping.Add(UsageGrouping.Model);
        }
        else if (query.Labels.Contains(MetricLabel.Provider))
        {
            grouping.Add(UsageGrouping.Provider);
        }

        if (query.Labels.Contains(MetricLabel.Project))
        {
            grouping.Add(UsageGrouping.Project);
        }

        if (query.Labels.Contains(MetricLabel.Agent))
        {
            grouping.Add(UsageGrouping.Agent);
        }

        return new UsageQuery
        {
            DataPaths = query.DataPaths,
            GroupBy = grouping,
            Overall = grouping.Count == 0,
            PricingPath = query.PricingPath,
            NoCache = query.NoCache,
            Log = query.Log,
        };
    }

    private static string LabelValue(MetricLabel label, UsageSummary summary, string machine) => label switch
    {
        MetricLabel.Machine => machine,
        MetricLabel.Provider => summary.ProviderId ?? string.Empty,
        MetricLabel.Model => summary.ModelId ?? string.Empty,
        MetricLabel.Project => summary.Project ?? string.Empty,
        MetricLabel.Agent => summary.Agent ?? string.Empty,
        _ => string.Empty,
    };

    /// <summary>
    /// Sessions by status (open or archived): a gauge, since a deleted session leaves the count. Labelled by machine,
    /// project and agent where kept; a session has no one model, so those labels are not on it.
    /// </summary>
    private static void AddSessions(MetricSet set, MetricsQuery query, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var kept = new[] { (MetricLabel.Machine, "machine"), (MetricLabel.Project, "project"), (MetricLabel.Agent, "agent") }
            .Where(l => query.Labels.Contains(l.Item1)).ToArray();
        set.Define(SessionCount, MetricType.Gauge, "OpenCode sessions, by status: open or archived.", [.. kept.Select(l => l.Item2), "status"]);
        // The usage read has reported what failed in these same stores; it is not said twice.
        var sessions = SessionReader.Read(new SessionQuery { DataPaths = query.DataPaths, NoCache = query.NoCache, Log = query.Log },
            environment, new ReadDiagnostics(), null, cancellationToken);
        foreach (var session in sessions)
        {
            var labels = kept.Select(l => l.Item1 switch
            {
                MetricLabel.Machine => query.Machine,
                MetricLabel.Project => session.ProjectName ?? string.Empty,
                _ => session.Agent ?? string.Empty,
            }).ToArray();
            var open = session.Archived is null;
            // Both statuses of every label set seen, the one that has none at zero: a panel shows 0, not "no data".
            set.Add(SessionCount, open ? 1 : 0, [.. labels, "open"]);
            set.Add(SessionCount, open ? 0 : 1, [.. labels, "archived"]);
        }
    }
}
