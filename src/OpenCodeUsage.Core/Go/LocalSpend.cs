using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Go;

/// <summary>
/// Puts OpenCode's figures beside what the local database holds: the opencode-go spend in each window, what one
/// percent is worth in dollars, and when 100% comes at the window's burn rate so far.
/// </summary>
internal static class LocalSpend
{
    public const string ProviderId = "opencode-go";

    public static IReadOnlyList<GoQuota> Combine(GoUsage usage, IReadOnlyList<string> dataPaths, Func<string, string?> environment,
        ReadDiagnostics diagnostics, ActivityLog log, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var starts = usage.Windows.ToDictionary(w => w.Window, w => w.ResetsAt is { } resets ? Start(w.Window, resets) : (DateTimeOffset?)null);
        var costs = Spend(starts, dataPaths, environment, diagnostics, log, cancellationToken);
        return usage.Windows.Select(w =>
        {
            var start = starts[w.Window];
            var cost = start is null ? null : costs?[w.Window];
            return new GoQuota
            {
                Window = w.Window,
                PercentUsed = w.Percent,
                Status = w.Status,
                ResetsAt = w.ResetsAt,
                Source = usage.Source,
                WorkspaceId = usage.WorkspaceId,
                WindowStart = start,
                LocalCost = cost,
                DollarsPerPercent = cost > 0 && w.Percent > 0 ? Math.Round(cost.Value / w.Percent, 6) : null,
                TimeToLimit = TimeToLimit(w.Percent, start, now),
            };
        }).ToList();
    }

    /// <summary>When a window began: its reset less its length.</summary>
    internal static DateTimeOffset Start(GoQuotaWindow window, DateTimeOffset resetsAt) => window switch
    {
        GoQuotaWindow.Rolling => resetsAt.AddHours(-5),
        GoQuotaWindow.Weekly => resetsAt.AddDays(-7),
        _ => resetsAt.AddMonths(-1),
    };

    /// <summary>At the average rate since the window began: used% took (now - start), the rest takes proportionally.</summary>
    internal static TimeSpan? TimeToLimit(decimal percent, DateTimeOffset? start, DateTimeOffset now)
    {
        if (percent >= 100)
        {
            return TimeSpan.Zero;
        }

        if (start is null || percent <= 0 || now <= start)
        {
            return null;
        }

        var elapsed = now - start.Value;
        return TimeSpan.FromSeconds(Math.Round(elapsed.TotalSeconds * (double)((100 - percent) / percent)));
    }

    /// <summary>One read of the database from the earliest window start, through the usual accounting; null when it cannot be read.</summary>
    private static Dictionary<GoQuotaWindow, decimal>? Spend(Dictionary<GoQuotaWindow, DateTimeOffset?> starts, IReadOnlyList<string> dataPaths,
        Func<string, string?> environment, ReadDiagnostics diagnostics, ActivityLog log, CancellationToken cancellationToken)
    {
        var known = starts.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!.Value);
        if (known.Count == 0)
        {
            return null;
        }

        var costs = known.Keys.ToDictionary(w => w, _ => 0m);
        var query = new UsageQuery
        {
            DataPaths = dataPaths,
            After = known.Values.Min(),
            ProviderFilter = new TextFilter([ProviderId], p => string.Equals(p, ProviderId, StringComparison.OrdinalIgnoreCase), "exact-ignore-case"),
            TimeZone = TimeZoneInfo.Utc,
        };
        var scan = new ReadDiagnostics();
        try
        {
            UsageReport.Stream(query, environment, scan, null, record =>
            {
                foreach (var (window, start) in known)
                {
                    if (record.Time >= start)
                    {
                        costs[window] += record.Cost;
                    }
                }
            }, cancellationToken);
        }
        catch (OpenCodeUsageException ex)
        {
            diagnostics.Warn($"LocalCost is empty: the local OpenCode data could not be read. {ex.Message}");
            return null;
        }

        foreach (var failure in scan.Failures)
        {
            diagnostics.Warn($"LocalCost may be incomplete: {failure.Message}");
        }

        // Price warnings and the like concern estimates, which the quota does not use.
        foreach (var warning in scan.Warnings)
        {
            log.Say(warning);
        }

        return costs;
    }
}
