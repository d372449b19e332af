using System.Net;
using System.Text.RegularExpressions;
using OpenCodeUsage.Report;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Tools;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Report;

/// <summary>The report page built from real data: its rows are Core's usage rows, its text encoded, its markup accessible.</summary>
public sealed partial class HtmlReportTests
{
    private static readonly UsageQuery Query = new() { DataPaths = [RepoPaths.DataDir("v2/native")], TimeZone = TimeZoneInfo.Utc };

    private static ReportData Gather(IReadOnlyList<GoQuota>? quota = null) =>
        ReportData.Gather(Query, quota ?? [], TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);

    private static IReadOnlyList<UsageSummary> Usage(params UsageGrouping[] grouping) =>
        UsageReport.Summarize(Query with { GroupBy = grouping }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);

    [Fact]
    public void The_data_is_the_usage_reports_rows()
    {
        var data = Gather();
        Assert.Equal(Usage(UsageGrouping.Day), data.ByDay);
        Assert.Equal(Usage(UsageGrouping.Day, UsageGrouping.Model), data.ByDayAndModel);
        Assert.Equal(Usage(UsageGrouping.Project), data.ByProject);
        Assert.Equal(Usage(UsageGrouping.Session).Select(s => (s.SessionId, s.Cost, s.TotalTokens)), data.BySession.Select(s => (s.SessionId, s.Cost, s.TotalTokens)));
        Assert.Equal(UsageReport.Summarize(Query with { Overall = true }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None).Single(), data.Total);
        Assert.Equal(ToolUsageReport.Summarize(new ToolUsageQuery { Usage = Query }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None), data.Tools);
        Assert.Equal(new DateTime(2026, 11, 23), data.FirstDay);
        Assert.Equal(new DateTime(2026, 11, 27), data.LastDay);
    }

    [Fact]
    public void Every_table_row_of_the_page_carries_the_rows_exact_figures()
    {
        var data = Gather();
        var html = HtmlReport.Render(data);
        var daily = Table(html, "table-daily");
        Assert.Equal(data.ByDayAndModel.Count, daily.Count);
        foreach (var (row, want) in daily.Zip(data.ByDayAndModel))
        {
            Assert.Contains($"data-name=\"day\" data-value=\"{want.Date:yyyy-MM-dd}\"", row);
            Assert.Contains($"data-name=\"cost\" data-value=\"{want.Cost.ToString(System.Globalization.CultureInfo.InvariantCulture)}\"", row);
            Assert.Contains($"data-name=\"tokens\" data-value=\"{want.TotalTokens}\"", row);
        }

        Assert.Equal(data.Tools.Count, Table(html, "table-tools").Count);
        Assert.Equal(Math.Min(HtmlReport.TopCount, data.BySession.Count), Table(html, "table-sessions").Count);
    }

    [Fact]
    public void User_text_is_encoded_everywhere()
    {
        const string evil = "<script>alert(1)</script>\"'&<b>";
        var data = Gather();
        data = data with
        {
            BySession = [.. data.BySession.Select(s => s with { Title = evil })],
            ByProject = [.. data.ByProject.Select(p => p with { Project = evil })],
            ByDayAndModel = [.. data.ByDayAndModel.Select(r => r with { ModelId = evil + r.ModelId })],
            ByModel = [.. data.ByModel.Select(r => r with { ModelId = evil + r.ModelId })],
            Tools = [.. data.Tools.Select(t => t with { Tool = evil })],
            TimeZoneId = evil,
        };
        var html = HtmlReport.Render(data);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(evil), html);
    }

    [Fact]
    public void The_page_fetches_nothing_and_every_chart_and_table_has_its_text_alternative()
    {
        var html = HtmlReport.Render(Gather([new GoQuota { Window = GoQuotaWindow.Rolling, PercentUsed = 12, Status = GoQuotaStatus.Ok }]));
        Assert.Contains($"<meta http-equiv=\"Content-Security-Policy\" content=\"{HtmlReport.ContentSecurityPolicy}\">", html);
        Assert.DoesNotMatch("(src|href)=|url\\(|@import|<script|<link|<iframe|<object", html);
        var svgs = Regex.Matches(html, "<svg id=\"([^\"]+)\"[^>]*>");
        Assert.Equal(7, svgs.Count); // daily, calendar, sessions, projects, cache, tools, quota
        foreach (Match svg in svgs)
        {
            var id = svg.Groups[1].Value;
            Assert.Contains($"role=\"img\" aria-labelledby=\"{id}-t {id}-d\"", svg.Value);
            Assert.Matches($"<title id=\"{id}-t\">[^<]+</title><desc id=\"{id}-d\">[^<]{{10,}}</desc>", html);
        }

        Assert.Equal(7, Regex.Matches(html, "<table id=").Count);
        Assert.Equal(7, Regex.Matches(html, "<caption id=").Count);
        Assert.DoesNotMatch("<th(?=[ >])(?! scope=\"(col|row)\")", html);
    }

    [Fact]
    public void An_empty_period_still_makes_a_page()
    {
        var empty = ReportData.Gather(Query with { After = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) }, [], TestEnvironment.Isolated,
            new ReadDiagnostics(), null, CancellationToken.None);
        Assert.Empty(empty.ByDay);
        var html = HtmlReport.Render(empty);
        Assert.Contains("No usage in the period.", html);
        Assert.EndsWith("</html>\n", html);
    }

    [Theory]
    [InlineData(0.0009, 0.001)]
    [InlineData(0.63, 1)]
    [InlineData(3, 5)]
    [InlineData(20, 20)]
    [InlineData(0, 1)]
    public void The_axis_ends_at_a_round_number_at_or_above_the_largest(double max, double nice) =>
        Assert.Equal(nice, SvgChart.NiceMax(max), 9);

    private static List<string> Table(string html, string id)
    {
        var table = html[html.IndexOf($"<table id=\"{id}\"", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("</tbody>", StringComparison.Ordinal)];
        return Regex.Matches(table, "<tr>(.*?)</tr>").Skip(1).Select(m => m.Groups[1].Value).ToList();
    }
}
