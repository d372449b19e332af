using System.Globalization;
using System.Text;

namespace OpenCodeUsage.Report;

/// <summary>
/// The usage report as one self-contained HTML page: inline CSS and SVG, no script, and a Content-Security-Policy
/// that forbids every fetch (default-src 'none'), so it opens offline and can never call out. Every chart has its
/// figures in a table beside it; every user text (titles, project names, tools) is encoded.
/// </summary>
public static class HtmlReport
{
    /// <summary>Sessions and projects shown in the top lists.</summary>
    public const int TopCount = 10;

    /// <summary>Models drawn apart in the daily chart; the rest are summed as "other".</summary>
    private const int ChartModels = 7;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    public static string Render(ReportData data)
    {
        var html = new StringBuilder(64 * 1024);
        var period = data.FirstDay is { } f && data.LastDay is { } l ? $"{f:yyyy-MM-dd} to {l:yyyy-MM-dd}" : "no usage";
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.Append("<meta name=\"referrer\" content=\"no-referrer\">");
        html.Append("<title>OpenCode usage ").Append(Html.Text(period)).Append("</title><style>").Append(Style).Append("</style></head><body><main>");
        html.Append("<header><h1>OpenCode usage</h1><p class=\"meta\">").Append(Html.Text(period)).Append(" · days in ").Append(Html.Text(data.TimeZoneId))
            .Append(" · made ").Append(Html.Text(data.Generated.ToString("yyyy-MM-dd HH:mm zzz", Invariant))).Append(" by OpenCodeUsage</p></header>");
        Summary(html, data);
        DailyCost(html, data);
        Calendar(html, data);
        TopSessions(html, data);
        TopProjects(html, data);
        CacheRate(html, data);
        Tools(html, data);
        Quota(html, data);
        html.Append("<footer><p>Figures are those of Get-OpenCodeUsage and Get-OpenCodeToolUsage for the same data and filters: fork copies counted once, output without reasoning, cost as OpenCode stored it.</p></footer>");
        html.Append("</main></body></html>\n");
        return html.ToString();
    }

    private static void Summary(StringBuilder html, ReportData data)
    {
        var t = data.Total;
        html.Append("<section aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2><dl class=\"cards\" id=\"summary\">");
        Card(html, "Cost", t is null ? Html.Money(0) : Html.Money(t.Cost), "cost", Html.Exact(t?.Cost ?? 0));
        Card(html, "Model calls", Html.Integer(t?.Messages ?? 0), "messages", Html.Exact(t?.Messages ?? 0));
        Card(html, "Sessions", Html.Integer(t?.Sessions ?? 0), "sessions", Html.Exact(t?.Sessions ?? 0));
        Card(html, "Tokens", Html.Integer(t?.TotalTokens ?? 0), "tokens", Html.Exact(t?.TotalTokens ?? 0));
        Card(html, "Cache hit rate", Html.Percent(t?.CacheHitRate), "cache-hit-rate", t?.CacheHitRate is { } r ? Html.Exact(r) : string.Empty);
        Card(html, "Tokens per second", t?.TokensPerSecond is { } s ? Html.Number(s) : "–", "tokens-per-second", t?.TokensPerSecond is { } s2 ? Html.Exact(s2) : string.Empty);
        html.Append("</dl></section>");
    }

    private static void Card(StringBuilder html, string label, string text, string name, string value) =>
        html.Append("<div><dt>").Append(Html.Text(label)).Append("</dt><dd data-name=\"").Append(name).Append("\" data-value=\"")
            .Append(Html.Text(value)).Append("\">").Append(Html.Text(text)).Append("</dd></div>");

    /// <param name="wide">The table has too many columns to sit beside the chart: it goes below it.</param>
    private static void Section(StringBuilder html, string id, string heading, string chart, Action<StringBuilder> table, string? note = null, bool wide = false)
    {
        html.Append("<section aria-labelledby=\"").Append(id).Append("-h\"><h2 id=\"").Append(id).Append("-h\">").Append(Html.Text(heading)).Append("</h2>");
        if (note is not null)
        {
            html.Append("<p class=\"note\">").Append(Html.Text(note)).Append("</p>");
        }

        html.Append(wide ? "<div class=\"stack\"><figure>" : "<div class=\"pair\"><figure>").Append(chart).Append("</figure><div>");
        table(html);
        html.Append("</div></div></section>");
    }

    private static void DailyCost(StringBuilder html, ReportData data)
    {
        var days = data.ByDay.Select(d => d.Date!.Value).ToList();
        var labels = days.Select(d => d.ToString("yyyy-MM-dd", Invariant)).ToList();
        var models = data.ByModel.OrderByDescending(m => m.Cost).ThenByDescending(m => m.TotalTokens).Select(Model).ToList();
        var drawn = models.Take(models.Count > ChartModels + 1 ? ChartModels : ChartModels + 1).ToList();
        var cost = data.ByDayAndModel.ToDictionary(r => (r.Date!.Value, Model(r)), r => r.Cost);
        var series = drawn.Select((m, i) => new SvgChart.Series(m, SvgChart.Palette[i % SvgChart.Palette.Length],
            days.Select(d => (double)cost.GetValueOrDefault((d, m))).ToList())).ToList();
        if (models.Count > drawn.Count)
        {
            var rest = models.Skip(drawn.Count).ToHashSet(StringComparer.Ordinal);
            series.Add(new SvgChart.Series("other models", SvgChart.Other,
                days.Select(d => (double)data.ByDayAndModel.Where(r => r.Date == d && rest.Contains(Model(r))).Sum(r => r.Cost)).ToList()));
        }

        var desc = data.ByDay.Count == 0 ? "No usage in the period."
            : $"Cost per day from {labels[0]} to {labels[^1]}, stacked by model; the highest day cost {Html.Money(data.ByDay.Max(d => d.Cost))}. The table beside it lists every figure.";
        var chart = SvgChart.StackedBars("chart-daily", "Daily cost by model", desc, labels, series, v => "$" + v.ToString(v >= 10 ? "0" : v >= 1 ? "0.0" : "0.00##", Invariant));
        var legend = new StringBuilder("<ul class=\"legend\">");
        foreach (var s in series)
        {
            legend.Append("<li><span class=\"swatch\" style=\"background:").Append(s.Color).Append("\"></span>").Append(Html.Text(s.Name)).Append("</li>");
        }

        legend.Append("</ul>");
        Section(html, "daily", "Daily cost by model", chart + legend, h => Html.Table(h, "table-daily", "Cost per day and model",
            ["Day", "Model", "Calls", "Tokens", "Cost"],
            data.ByDayAndModel.Select(r => (IReadOnlyList<Cell>)[Cell.Day(r.Date!.Value), Cell.Text(Model(r), "model"),
                Cell.Integer(r.Messages, "messages"), Cell.Integer(r.TotalTokens, "tokens"), Cell.Money(r.Cost)]),
            data.Total is { } t ? [Cell.Label("Total"), new Cell(""), Cell.Integer(t.Messages, "messages"), Cell.Integer(t.TotalTokens, "tokens"), Cell.Money(t.Cost)] : null, 1),
            wide: true);
    }

    private static void Calendar(StringBuilder html, ReportData data)
    {
        if (data.FirstDay is not { } first || data.LastDay is not { } last)
        {
            return;
        }

        var byCost = data.ByDay.Any(d => d.Cost > 0);
        var values = data.ByDay.ToDictionary(d => d.Date!.Value, d => byCost ? (double)d.Cost : d.TotalTokens);
        Func<double, string> format = byCost ? v => Html.Money((decimal)v) : v => Html.Integer((long)v) + " tokens";
        var active = data.ByDay.Count;
        var chart = SvgChart.Calendar("chart-calendar", "Calendar of the period",
            $"One square per day from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}, darker for more {(byCost ? "cost" : "tokens")}; {active} of {(last - first).Days + 1} days had usage.",
            first, last, values, format);
        Section(html, "calendar", "Calendar", chart, h => Html.Table(h, "table-calendar", "Usage per day",
            ["Day", "Sessions", "Calls", "Tokens", "Cost"],
            data.ByDay.Select(d => (IReadOnlyList<Cell>)[Cell.Day(d.Date!.Value, "yyyy-MM-dd (ddd)"), Cell.Integer(d.Sessions, "sessions"),
                Cell.Integer(d.Messages, "messages"), Cell.Integer(d.TotalTokens, "tokens"), Cell.Money(d.Cost)])));
    }

    private static IEnumerable<UsageSummary> Top(IEnumerable<UsageSummary> rows) =>
        rows.OrderByDescending(r => r.Cost).ThenByDescending(r => r.TotalTokens).ThenBy(r => r.Group, StringComparer.Ordinal).Take(TopCount);

    private static void TopSessions(StringBuilder html, ReportData data)
    {
        var top = Top(data.BySession).ToList();
        var byCost = top.Any(s => s.Cost > 0);
        var chart = SvgChart.HorizontalBars("chart-sessions", "Top sessions",
            $"The {top.Count} sessions with the most {(byCost ? "cost" : "tokens")}, largest first.",
            top.Select(s => (Title(s), byCost ? (double)s.Cost : s.TotalTokens, byCost ? Html.Money(s.Cost) : Html.Integer(s.TotalTokens))).ToList());
        Section(html, "sessions", "Top sessions", chart, h => Html.Table(h, "table-sessions", $"Top {top.Count} of {data.BySession.Count} sessions",
            ["Session", "Project", "Calls", "Tokens", "Cost"],
            top.Select(s => (IReadOnlyList<Cell>)[Cell.Label(Title(s), s.SessionId), Cell.Text(s.Project ?? string.Empty, "project"),
                Cell.Integer(s.Messages, "messages"), Cell.Integer(s.TotalTokens, "tokens"), Cell.Money(s.Cost)]), null, 1));
    }

    private static void TopProjects(StringBuilder html, ReportData data)
    {
        var top = Top(data.ByProject).ToList();
        var byCost = top.Any(s => s.Cost > 0);
        var chart = SvgChart.HorizontalBars("chart-projects", "Top projects",
            $"The {top.Count} projects with the most {(byCost ? "cost" : "tokens")}, largest first.",
            top.Select(p => (p.Project ?? "(none)", byCost ? (double)p.Cost : p.TotalTokens, byCost ? Html.Money(p.Cost) : Html.Integer(p.TotalTokens))).ToList());
        Section(html, "projects", "Top projects", chart, h => Html.Table(h, "table-projects", $"Top {top.Count} of {data.ByProject.Count} projects",
            ["Project", "Sessions", "Calls", "Tokens", "Cost"],
            top.Select(p => (IReadOnlyList<Cell>)[Cell.Label(p.Project ?? "(none)", p.ProjectId), Cell.Integer(p.Sessions, "sessions"),
                Cell.Integer(p.Messages, "messages"), Cell.Integer(p.TotalTokens, "tokens"), Cell.Money(p.Cost)])));
    }

    private static void CacheRate(StringBuilder html, ReportData data)
    {
        var labels = data.ByDay.Select(d => d.Date!.Value.ToString("yyyy-MM-dd", Invariant)).ToList();
        var chart = SvgChart.RateLine("chart-cache", "Cache hit rate per day",
            $"Share of each day's prompt tokens read from the cache, from {labels.FirstOrDefault()} to {labels.LastOrDefault()}; over the period {Html.Percent(data.Total?.CacheHitRate)}.",
            labels, data.ByDay.Select(d => d.CacheHitRate).ToList());
        Section(html, "cache", "Cache hit rate over time", chart, h => Html.Table(h, "table-cache", "Cache hit rate per day",
            ["Day", "Input", "Cache read", "Cache write", "Hit rate", "Tokens/s"],
            data.ByDay.Select(d => (IReadOnlyList<Cell>)[Cell.Day(d.Date!.Value), Cell.Integer(d.InputTokens, "input"),
                Cell.Integer(d.CacheReadTokens, "cache-read"), Cell.Integer(d.CacheWriteTokens, "cache-write"),
                new Cell(Html.Percent(d.CacheHitRate), "cache-hit-rate", d.CacheHitRate is { } r ? Html.Exact(r) : null),
                new Cell(d.TokensPerSecond is { } s ? Html.Number(s) : "–", "tokens-per-second", d.TokensPerSecond is { } s2 ? Html.Exact(s2) : null)])),
            "Hit rate = cache read ÷ (input + cache read + cache write). Tokens/s = (output + reasoning) ÷ the messages' time from creation to completion.",
            wide: true);
    }

    private static void Tools(StringBuilder html, ReportData data)
    {
        var tools = data.Tools;
        var chart = SvgChart.HorizontalBars("chart-tools", "Tool calls",
            tools.Count == 0 ? "No tool calls in the period." : $"Calls per tool, most first; {tools.Sum(t => t.Failures)} of {tools.Sum(t => t.Calls)} calls failed.",
            tools.Take(TopCount * 2).Select(t => (t.Tool, (double)t.Calls, $"{Html.Integer(t.Calls)} ({t.Failures} failed)")).ToList());
        Section(html, "tools", "Tool usage", chart, h => Html.Table(h, "table-tools", "Tool calls, failures, run time and output",
            ["Tool", "Calls", "Failed", "Time", "Output"],
            tools.Select(t => (IReadOnlyList<Cell>)[Cell.Label(t.Tool), Cell.Integer(t.Calls, "calls"), Cell.Integer(t.Failures, "failures"),
                new Cell(Html.Duration(t.Duration), "duration-ms", Html.Exact((long)t.Duration.TotalMilliseconds)),
                new Cell(Html.Bytes(t.OutputBytes), "output-bytes", Html.Exact(t.OutputBytes))])));
    }

    private static void Quota(StringBuilder html, ReportData data)
    {
        if (data.GoQuota.Count == 0)
        {
            return;
        }

        var chart = SvgChart.HorizontalBars("chart-quota", "OpenCode Go quota windows",
            string.Join("; ", data.GoQuota.Select(q => $"{q.Window}: {q.PercentUsed.ToString("0.#", Invariant)}% used")),
            data.GoQuota.Select(q => (q.Window.ToString(), (double)q.PercentUsed, q.PercentUsed.ToString("0.#", Invariant) + "%")).ToList());
        Section(html, "quota", "OpenCode Go quota", chart, h => Html.Table(h, "table-quota", "Go limit windows",
            ["Window", "Used", "Status", "Resets", "Local cost"],
            data.GoQuota.Select(q => (IReadOnlyList<Cell>)[Cell.Label(q.Window.ToString()),
                new Cell(q.PercentUsed.ToString("0.#", Invariant) + "%", "percent", Html.Exact(q.PercentUsed)), Cell.Text(q.Status.ToString(), "status"),
                Cell.Text(q.ResetsAt?.ToString("yyyy-MM-dd HH:mm zzz", Invariant) ?? "–", "resets"),
                q.LocalCost is { } c ? Cell.Money(c, "local-cost") : new Cell("–")]), null, 2, 3));
    }

    private static string Model(UsageSummary r) => $"{r.ProviderId}/{r.ModelId}";

    private static string Title(UsageSummary s) => string.IsNullOrWhiteSpace(s.Title) ? s.SessionId ?? "(untitled)" : s.Title!;

    private const string Style = """
        :root{color-scheme:light;--fg:#1a1a1a;--muted:#4a4a4a;--line:#d0d0d0;--bg:#fff;--panel:#f5f6f8}
        *{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
        main{max-width:1240px;margin:0 auto;padding:12px}h1{font-size:1.6rem;margin:.3em 0}h2{font-size:1.25rem;margin:1.2em 0 .4em;border-bottom:2px solid var(--line)}
        .meta,.note,footer{color:var(--muted);font-size:.9rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0}
        .cards div{background:var(--panel);border-radius:8px;padding:8px 12px}.cards dt{font-size:.85rem;color:var(--muted)}.cards dd{margin:0;font-size:1.3rem;font-weight:600;font-variant-numeric:tabular-nums}
        .pair,.stack{display:grid;grid-template-columns:minmax(0,1fr);gap:12px;align-items:start}.stack figure{max-width:900px}
        @media (min-width:900px){.pair{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}}
        figure{margin:0}svg.chart{width:100%;height:auto;display:block}svg.chart.natural{width:auto;max-width:100%;height:auto}
        svg text{fill:var(--fg);font-size:15px}svg .tick{font-size:14px;fill:var(--muted)}svg .small{font-size:12px;fill:var(--muted)}
        svg .grid{stroke:#e3e3e3}svg .base{stroke:#8c8c8c}
        svg.hbar{max-width:600px}
        .legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9rem}
        .swatch{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border-radius:2px}
        .table-wrap{overflow-x:auto;max-width:100%}.table-wrap:focus{outline:2px solid #1f5fa8}
        table{border-collapse:collapse;width:100%;font-size:.9rem;font-variant-numeric:tabular-nums}
        caption{text-align:left;font-weight:600;padding:4px 0}th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
        thead th{background:var(--panel)}th[scope=row]{font-weight:normal;max-width:22em;overflow-wrap:break-word}th[data-name=day]{white-space:nowrap}.num{text-align:right;white-space:nowrap}
        tfoot th,tfoot td{font-weight:600;border-top:2px solid var(--line)}
        /* Last, so that at phone width these win over the rules above. */
        @media (max-width:600px){svg.chart:not(.natural):not(.hbar) text{font-size:22px}svg.hbar text{font-size:16px}
          table{font-size:.78rem}th,td{padding:3px 3px}main{padding:8px}td:not(.num),th[scope=row]{overflow-wrap:anywhere}}
        """;
}
