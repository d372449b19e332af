namespace OpenCodeUsage.Metrics;

/// <summary>
/// The OpenCode Go quota as gauges, one series per limit window: the share used (0 to 1, Prometheus's unit for a
/// ratio; Get-OpenCodeGoQuota's PercentUsed / 100), when the window resets, and whether Go is rate-limited in it.
/// </summary>
public static class GoMetrics
{
    public const string UsedRatio = "opencode_go_quota_used_ratio";
    public const string ResetsAt = "opencode_go_quota_resets_timestamp_seconds";
    public const string RateLimited = "opencode_go_quota_rate_limited";

    public static void Add(MetricSet set, IReadOnlyList<GoQuota> quotas, string? machine)
    {
        string[] names = machine is null ? ["window"] : ["machine", "window"];
        set.Define(UsedRatio, MetricType.Gauge, "Share of the OpenCode Go limit window used, 0 to 1.", names);
        set.Define(ResetsAt, MetricType.Gauge, "When the OpenCode Go limit window resets, in Unix seconds.", names);
        set.Define(RateLimited, MetricType.Gauge, "1 while OpenCode Go refuses requests in the window (rate-limited), else 0.", names);
        foreach (var quota in quotas)
        {
            var window = quota.Window.ToString().ToLowerInvariant();
            string[] labels = machine is null ? [window] : [machine, window];
            set.Add(UsedRatio, quota.PercentUsed / 100m, labels);
            if (quota.ResetsAt is { } resets)
            {
                set.Add(ResetsAt, resets.ToUnixTimeMilliseconds() / 1000m, labels);
            }

            set.Add(RateLimited, quota.Status == GoQuotaStatus.RateLimited ? 1 : 0, labels);
        }
    }
}
