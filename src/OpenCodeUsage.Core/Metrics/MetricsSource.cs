using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// Computes the metrics of one <see cref="MetricsQuery"/>, as often as asked: the usage afresh each time (the
/// digest cache and memos make an unchanged database cheap), the Go quota at most every <see cref="GoQuotaEvery"/>,
/// since it is a request to OpenCode and a scrape comes every few seconds. A Go failure leaves the Go series out
/// and is handed back; the usage series are still there.
/// </summary>
public sealed class MetricsSource(MetricsQuery query, Func<string, string?> environment)
{
    public static readonly TimeSpan GoQuotaEvery = TimeSpan.FromSeconds(60);

    private IReadOnlyList<GoQuota>? _quotas;
    private DateTime _quotasAt = DateTime.MinValue;

    public MetricsQuery Query { get; } = query;

    /// <param name="dataPaths">Replaces the query's data paths when given (a watch's, learned from its events).</param>
    public MetricSet Compute(ReadDiagnostics diagnostics, Action<ReadProgress>? progress, out OpenCodeUsageException? goFailure,
        CancellationToken cancellationToken, IReadOnlyList<string>? dataPaths = null)
    {
        goFailure = null;
        var usageQuery = dataPaths is null ? Query : new MetricsQuery
        {
            DataPaths = dataPaths, Labels = Query.Labels, Machine = Query.Machine, PricingPath = Query.PricingPath,
            GoQuota = Query.GoQuota, NoCache = Query.NoCache, Log = Query.Log,
        };
        var set = UsageMetrics.Compute(usageQuery, environment, diagnostics, progress, cancellationToken);
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
                GoMetrics.Add(set, _quotas, Query.Labels.Contains(MetricLabel.Machine) ? Query.Machine : null);
            }
        }

        return set;
    }
}
