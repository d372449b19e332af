using OpenCodeUsage.Budgets;
using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// Computes the metrics of one <see cref="MetricsQuery"/>, as often as asked: the usage afresh each time (the
/// digest cache and memos make an unchanged database cheap), the Go quota at most every <see cref="GoQuotaEvery"/>,
/// since it is a request to OpenCode and a scrape comes every few seconds. A Go failure leaves the Go series out
/// and is handed back; the usage series are still there. Budgets are evaluated afresh each time too, by one
/// evaluator per set of data paths, so a Go budget's quota is read at most every <see cref="GoQuotaEvery"/> as well.
/// </summary>
public sealed class MetricsSource(MetricsQuery query, Func<string, string?> environment)
{
    public static readonly TimeSpan GoQuotaEvery = TimeSpan.FromSeconds(60);

    private IReadOnlyList<GoQuota>? _quotas;
    private DateTime _quotasAt = DateTime.MinValue;
    private BudgetEvaluator? _evaluator;
    private IReadOnlyList<string> _evaluatorPaths = [];

    public MetricsQuery Query { get; } = query;

    /// <param name="dataPaths">Replaces the query's data paths when given (a watch's, learned from its events).</param>
    public MetricSet Compute(ReadDiagnostics diagnostics, Action<ReadProgress>? progress, out OpenCodeUsageException? goFailure,
        CancellationToken cancellationToken, IReadOnlyList<string>? dataPaths = null)
    {
        goFailure = null;
        var usageQuery = dataPaths is null ? Query : new MetricsQuery
        {
            DataPaths = dataPaths, Labels = Query.Labels, Machine = Query.Machine, PricingPath = Query.PricingPath,
            GoQuota = Query.GoQuota, NoCache = Query.NoCache, Log = Query.Log, Budgets = Query.Budgets, BudgetContext = Query.BudgetContext,
        };
        var set = UsageMetrics.Compute(usageQuery, environment, diagnostics, progress, cancellationToken);
        var machine = Query.Labels.Contains(MetricLabel.Machine) ? Query.Machine : null;
        if (Query.GoQuota is { } go)
        {
            var now = DateTime.UtcNow;
            if (_quotas is null || now - _quotasAt >= GoQuotaEvery)
            {
                try
                {
                    // The local spend beside the quota is not a metric: the usage series hold the spend.
                    _quotas = GoQuotaReport.Get(go, environment, new ReadDiagnostics(), Query.Log, cancellationToken);
                    _quotasAt = now;
                }
                catch (OpenCodeUsageException ex)
                {
                    goFailure = ex;
                    _quotas = null;
                }
            }

            if (_quotas is not null)
            {
                GoMetrics.Add(set, _quotas, machine);
            }
        }

        if (Query.Budgets.Count > 0 && Query.BudgetContext is { } context)
        {
            if (_evaluator is null || !_evaluatorPaths.SequenceEqual(usageQuery.DataPaths, StringComparer.Ordinal))
            {
                _evaluator = new BudgetEvaluator(context with { DataPaths = usageQuery.DataPaths, GoRefresh = context.GoRefresh ?? GoQuotaEvery }, environment);
                _evaluatorPaths = usageQuery.DataPaths;
            }

            var statuses = Query.Budgets.Select(b => _evaluator.Evaluate(b, diagnostics, cancellationToken)).ToList();
            BudgetMetrics.Add(set, statuses, machine);
        }

        return set;
    }
}
