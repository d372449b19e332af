using OpenCodeUsage.Storage;
using OpenCodeUsage.Tools;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Report;

/// <summary>
/// Everything the HTML report shows, each list exactly what Get-OpenCodeUsage (or Get-OpenCodeToolUsage) returns
/// for the same filters and grouping: the page draws and tabulates these rows, and computes no figure of its own
/// beyond shares and the rows' own rates.
/// </summary>
public sealed record ReportData
{
    public required IReadOnlyList<UsageSummary> ByDay { get; init; }
    public required IReadOnlyList<UsageSummary> ByDayAndModel { get; init; }
    public required IReadOnlyList<UsageSummary> BySession { get; init; }
    public required IReadOnlyList<UsageSummary> ByProject { get; init; }
    public required IReadOnlyList<UsageSummary> ByModel { get; init; }
    public required UsageSummary? Total { get; init; }
    public required IReadOnlyList<ToolUsage> Tools { get; init; }
    public IReadOnlyList<GoQuota> GoQuota { get; init; } = [];

    /// <summary>The first and last day of the period, in the report's zone (the -After/-Before window where given).</summary>
    public DateTime? FirstDay { get; init; }
    public DateTime? LastDay { get; init; }

    public string TimeZoneId { get; init; } = TimeZoneInfo.Local.Id;
    public DateTimeOffset Generated { get; init; } = DateTimeOffset.Now;

    /// <summary>Reads the report's rows with the accounting of Get-OpenCodeUsage (fork copies once, the same filters).</summary>
    public static ReportData Gather(UsageQuery query, IReadOnlyList<GoQuota> goQuota, Func<string, string?> environment,
        ReadDiagnostics diagnostics, Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyList<UsageSummary> By(params UsageGrouping[] grouping) =>
            UsageReport.Summarize(query with { GroupBy = grouping, Overall = false }, environment, diagnostics, progress, cancellationToken);

        var byDay = By(UsageGrouping.Day);
        var total = UsageReport.Summarize(query with { Overall = true }, environment, diagnostics, progress, cancellationToken);
        var tools = ToolUsageReport.Summarize(new ToolUsageQuery { Usage = query }, environment, diagnostics, progress, cancellationToken);
        var first = query.After is { } after ? TimeZoneInfo.ConvertTime(after, query.TimeZone).Date : byDay.Count > 0 ? byDay[0].Date : null;
        var last = query.Before is { } before ? TimeZoneInfo.ConvertTime(before.AddTicks(-1), query.TimeZone).Date : byDay.Count > 0 ? byDay[^1].Date : null;
        // An open-ended side, or a window far wider than the data, shows the days that have data.
        if (byDay.Count > 0)
        {
            first = first is null || first < byDay[0].Date!.Value.AddYears(-1) ? byDay[0].Date : first;
            last = last is null || last > byDay[^1].Date!.Value.AddYears(1) || last > DateTime.Today.AddDays(1) ? byDay[^1].Date : last;
        }

        return new ReportData
        {
            ByDay = byDay,
            ByDayAndModel = By(UsageGrouping.Day, UsageGrouping.Model),
            BySession = By(UsageGrouping.Session, UsageGrouping.Project),
            ByProject = By(UsageGrouping.Project),
            ByModel = By(UsageGrouping.Model),
            Total = total.Count > 0 ? total[0] : null,
            Tools = tools,
            GoQuota = goQuota,
            FirstDay = first,
            LastDay = last is { } l && first is { } f && l < f ? f : last,
            TimeZoneId = query.TimeZone.Id,
        };
    }
}
