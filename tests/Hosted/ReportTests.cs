using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Export-OpenCodeReport rendered by a real headless Chromium: screenshots at laptop and phone width that show a
/// drawn page, no network request in Chromium's own net log, and every figure of the rendered DOM equal to
/// Get-OpenCodeUsage / Get-OpenCodeToolUsage on the same data. A session title made of HTML stays text.
/// </summary>
public sealed partial class ReportTests
{
    /// <summary>Where the screenshots are kept for people to look at (artifacts/ is not committed).</summary>
    private static string ShotFolder => Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "report-screenshots")).FullName;

    public static IEnumerable<object[]> ReportDataSets => [["v2/native"], [DataSets.SampleName], ["oc-1.18.33"]];

    [SkippableTheory]
    [MemberData(nameof(ReportDataSets))]
    public void The_page_draws_at_laptop_and_phone_width_and_asks_the_network_for_nothing(string dataSet)
    {
        var chromium = HeadlessChromium.Binary();
        using var folder = new TempFolder();
        var report = Export(Path.Combine(DataSets.Folder(dataSet), "opencode"), folder.Path);
        var name = dataSet.Replace('/', '-');
        foreach (var width in new[] { 1280, 390 })
        {
            var shot = Path.Combine(ShotFolder, $"{name}-{width}.png");
            var netLog = Path.Combine(folder.Path, $"net-{width}.json");
            File.Delete(shot);
            HeadlessChromium.Run(chromium, new Uri(report).AbsoluteUri, $"--screenshot={shot}", $"--window-size={width},2000", $"--log-net-log={netLog}");
            var png = Png.Read(shot);
            Assert.Equal(width, png.Width);
            Assert.Equal(2000, png.Height);
            // A blank or failed page is one colour; the report has text, bars in several colours and grid lines.
            Assert.True(png.InkShare() > 0.03, $"{shot}: only {png.InkShare():P1} of the pixels are drawn");
            Assert.True(png.Colours() > 20, $"{shot}: only {png.Colours()} colours");
            AssertOnlyTheFileWasRequested(netLog);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(ReportDataSets))]
    public void Every_figure_in_the_rendered_page_equals_the_cmdlets(string dataSet)
    {
        var chromium = HeadlessChromium.Binary();
        using var folder = new TempFolder();
        var data = Path.Combine(DataSets.Folder(dataSet), "opencode");
        var report = Export(data, folder.Path);
        var dom = HeadlessChromium.Run(chromium, new Uri(report).AbsoluteUri, "--dump-dom");
        Assert.Contains("<table id=\"table-daily\"", dom);
        using var engine = new Engine();
        var usage = (string grouping) => engine.Run($"Get-OpenCodeUsage -DataPath $args[0] -TimeZone UTC {grouping}", data).Select(Summary.Of).ToList();

        var total = Assert.Single(usage("-GroupBy Day -Total"), r => r.IsTotal);
        var cards = Cards(dom);
        Assert.Equal(total.Cost, decimal.Parse(cards["cost"], CultureInfo.InvariantCulture));
        Assert.Equal(total.Messages.ToString(CultureInfo.InvariantCulture), cards["messages"]);
        Assert.Equal(total.Sessions.ToString(CultureInfo.InvariantCulture), cards["sessions"]);
        Assert.Equal(total.TotalTokens.ToString(CultureInfo.InvariantCulture), cards["tokens"]);
        Assert.Equal(total.CacheHitRate, double.Parse(cards["cache-hit-rate"], CultureInfo.InvariantCulture));

        var daily = Rows(dom, "table-daily");
        var byDayModel = usage("-GroupBy Day, Model");
        Assert.Equal(byDayModel.Count, daily.Count);
        foreach (var (row, want) in daily.Zip(byDayModel))
        {
            Assert.Equal(want.Date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row["day"]);
            Assert.Equal($"{want.ProviderId}/{want.ModelId}", row["model"]);
            AssertFigures(want, row);
        }

        var byDay = usage("-GroupBy Day");
        var calendar = Rows(dom, "table-calendar");
        var cache = Rows(dom, "table-cache");
        Assert.Equal(byDay.Count, calendar.Count);
        foreach (var (want, (row, rate)) in byDay.Zip(calendar.Zip(cache)))
        {
            AssertFigures(want, row);
            Assert.Equal(want.Sessions.ToString(CultureInfo.InvariantCulture), row["sessions"]);
            Assert.Equal(want.CacheReadTokens.ToString(CultureInfo.InvariantCulture), rate["cache-read"]);
            Assert.Equal(want.CacheHitRate, rate.TryGetValue("cache-hit-rate", out var r) ? double.Parse(r, CultureInfo.InvariantCulture) : null);
        }

        var sessions = Rows(dom, "table-sessions");
        var topSessions = usage("-GroupBy Session").OrderByDescending(s => s.Cost).ThenByDescending(s => s.TotalTokens).Take(10).ToList();
        Assert.Equal(topSessions.Count, sessions.Count);
        foreach (var (want, row) in topSessions.Zip(sessions))
        {
            Assert.Equal(want.SessionId, row["title"]); // the row header's hint is the session id
            AssertFigures(want, row);
        }

        var projects = Rows(dom, "table-projects");
        Assert.Equal(usage("-GroupBy Project").Sum(p => p.Cost), projects.Sum(p => decimal.Parse(p["cost"], CultureInfo.InvariantCulture)));

        var tools = engine.Run("Get-OpenCodeToolUsage -DataPath $args[0]", data).Select(Tool.Of).ToList();
        var toolRows = Rows(dom, "table-tools");
        Assert.Equal(tools.Select(t => t.Name), toolRows.Select(t => t["header"]));
        foreach (var (want, row) in tools.Zip(toolRows))
        {
            Assert.Equal(want.Calls.ToString(CultureInfo.InvariantCulture), row["calls"]);
            Assert.Equal(want.Failures.ToString(CultureInfo.InvariantCulture), row["failures"]);
            Assert.Equal(want.OutputBytes.ToString(CultureInfo.InvariantCulture), row["output-bytes"]);
            Assert.Equal(((long)want.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), row["duration-ms"]);
        }
    }

    [SkippableFact]
    public void A_session_title_of_html_is_shown_as_text_and_runs_nothing()
    {
        var chromium = HeadlessChromium.Binary();
        using var folder = new TempFolder();
        var data = Path.Combine(folder.Path, "opencode");
        CopyDirectory(Path.Combine(DataSets.Folder(DataSets.SampleName), "opencode"), data);
        const string title = "<img src=x onerror=alert(1)><script>document.title='owned'</script></td></tr></table><b>\"quoted\" & 'single'</b>";
        // Every session, so the top list starts with it; the sqlite3 shell, as this project has no SQLite of its own.
        Sqlite3(Path.Combine(data, "opencode.db"), $"UPDATE session SET title = '{title.Replace("'", "''")}';");
        var report = Export(data, folder.Path);
        var html = File.ReadAllText(report);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(WebUtility.HtmlEncode(title), html);

        var dom = HeadlessChromium.Run(chromium, new Uri(report).AbsoluteUri, "--dump-dom");
        Assert.DoesNotContain("<script", dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", dom, StringComparison.OrdinalIgnoreCase);
        // The document's own title (the first) was not rewritten by a script.
        Assert.StartsWith("OpenCode usage", Regex.Match(dom, "<title>([^<]*)</title>").Groups[1].Value);
        // The title is the first row header of the session table, whole, as text.
        var first = Rows(dom, "table-sessions")[0];
        Assert.Equal(title, first["header"]);
    }

    [Fact]
    public void The_page_is_self_contained_accessible_and_written_whole()
    {
        using var folder = new TempFolder();
        var report = Export(Path.Combine(DataSets.Folder("v2/native"), "opencode"), folder.Path);
        var html = File.ReadAllText(report);
        Assert.Contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"", html);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        // Every chart is an image with a title and a description; every table has a caption and scoped headers.
        var charts = Regex.Matches(html, "<svg id=\"([^\"]+)\"[^>]*role=\"img\" aria-labelledby=\"\\1-t \\1-d\"");
        Assert.Equal(Regex.Matches(html, "<svg ").Count, charts.Count);
        Assert.True(charts.Count >= 6, $"{charts.Count} charts");
        foreach (Match chart in charts)
        {
            Assert.Matches($"<title id=\"{chart.Groups[1].Value}-t\">[^<]+</title><desc id=\"{chart.Groups[1].Value}-d\">[^<]+</desc>", html);
        }

        Assert.Equal(Regex.Matches(html, "<table ").Count, Regex.Matches(html, "<caption ").Count);
        Assert.DoesNotMatch("<th(?=[ >])(?! scope=\"(col|row)\")", html);
        Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
        // Owner-only (it holds titles and project names), and no temporary file left beside it.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(report));
        }

        Assert.Equal(["report.html"], Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WhatIf_writes_nothing_and_the_Go_windows_are_shown_when_given()
    {
        using var folder = new TempFolder();
        var data = Path.Combine(DataSets.Folder("v2/native"), "opencode");
        var path = Path.Combine(folder.Path, "report.html");
        using var engine = new Engine();
        engine.Run("Export-OpenCodeReport -DataPath $args[0] -Path $args[1] -WhatIf", data, path);
        Assert.False(File.Exists(path));

        engine.Run("""
            $q = [OpenCodeUsage.GoQuota]@{ Window = 'Weekly'; PercentUsed = 42.5; Status = 'Ok'; ResetsAt = [DateTimeOffset]'2026-12-01T00:00:00Z'; LocalCost = 3.25 }
            $q | Export-OpenCodeReport -DataPath $args[0] -Path $args[1]
            """, data, path);
        Assert.Empty(engine.Errors);
        var html = File.ReadAllText(path);
        Assert.Contains("<table id=\"table-quota\"", html);
        Assert.Contains("data-name=\"percent\" data-value=\"42.5\"", html);
        Assert.Contains("Weekly: 42.5% used", html);
    }

    private static void AssertFigures(Summary want, IReadOnlyDictionary<string, string> row)
    {
        Assert.Equal(want.Cost, decimal.Parse(row["cost"], CultureInfo.InvariantCulture));
        Assert.Equal(want.Messages.ToString(CultureInfo.InvariantCulture), row["messages"]);
        Assert.Equal(want.TotalTokens.ToString(CultureInfo.InvariantCulture), row["tokens"]);
    }

    /// <summary>What the tests read of a UsageSummary (this project does not reference the module's assemblies).</summary>
    private sealed record Summary(bool IsTotal, DateTime? Date, string? SessionId, string? ProviderId, string? ModelId, int Sessions, int Messages,
        long TotalTokens, long CacheReadTokens, decimal Cost, double? CacheHitRate)
    {
        public static Summary Of(System.Management.Automation.PSObject o) => new(V<bool>(o, "IsTotal"), V<DateTime?>(o, "Date"), V<string?>(o, "SessionId"),
            V<string?>(o, "ProviderId"), V<string?>(o, "ModelId"), V<int>(o, "Sessions"), V<int>(o, "Messages"), V<long>(o, "TotalTokens"),
            V<long>(o, "CacheReadTokens"), V<decimal>(o, "Cost"), V<double?>(o, "CacheHitRate"));
    }

    private sealed record Tool(string Tool_, int Calls, int Failures, long OutputBytes, TimeSpan Duration)
    {
        public string Name => Tool_;

        public static Tool Of(System.Management.Automation.PSObject o) =>
            new(V<string>(o, "Tool"), V<int>(o, "Calls"), V<int>(o, "Failures"), V<long>(o, "OutputBytes"), V<TimeSpan>(o, "Duration"));
    }

    private static T V<T>(System.Management.Automation.PSObject o, string name) => (T)o.Properties[name].Value!;

    private static string Export(string data, string folder)
    {
        var path = Path.Combine(folder, "report.html");
        using var engine = new Engine();
        engine.Run("Export-OpenCodeReport -DataPath $args[0] -Path $args[1] -TimeZone UTC", data, path);
        Assert.Empty(engine.Errors);
        Assert.True(File.Exists(path));
        return path;
    }

    /// <summary>The summary cards' exact values by name.</summary>
    private static Dictionary<string, string> Cards(string dom) =>
        Regex.Matches(dom, "<dd data-name=\"([^\"]+)\" data-value=\"([^\"]*)\"").ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));

    /// <summary>
    /// The body rows of a table: each cell's exact value by its name (or its text where it has none), the row
    /// header's text as "header" and its hint (a session's id) as "title".
    /// </summary>
    private static List<Dictionary<string, string>> Rows(string dom, string table)
    {
        var start = dom.IndexOf($"<table id=\"{table}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no table {table}");
        var body = dom[start..];
        body = body[body.IndexOf("<tbody>", StringComparison.Ordinal)..body.IndexOf("</tbody>", StringComparison.Ordinal)];
        return Regex.Matches(body, "<tr>(.*?)</tr>", RegexOptions.Singleline).Select(tr =>
        {
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            var header = HeaderCell().Match(tr.Groups[1].Value);
            cells["header"] = WebUtility.HtmlDecode(header.Groups["text"].Value);
            if (header.Groups["title"].Success)
            {
                cells["title"] = WebUtility.HtmlDecode(header.Groups["title"].Value);
            }

            foreach (Match cell in Regex.Matches(tr.Groups[1].Value, "<t[hd][^>]*? data-name=\"([^\"]+)\"(?: data-value=\"([^\"]*)\")?[^>]*>([^<]*)<"))
            {
                cells[cell.Groups[1].Value] = WebUtility.HtmlDecode(cell.Groups[2].Success ? cell.Groups[2].Value : cell.Groups[3].Value);
            }

            return cells;
        }).ToList();
    }

    /// <summary>
    /// The requests the page made, from Chromium's net log (--log-net-log): every URL request job whose initiator is
    /// a web origin (a file page's is "null"), not the browser's own background traffic ("not an origin": update
    /// checks, network time, sign-in, which no flag fully silences). A file:// load is no network request at all.
    /// </summary>
    private static List<string> PageRequests(string netLog)
    {
        Assert.True(File.Exists(netLog), "chromium wrote no net log");
        using var log = JsonDocument.Parse(File.ReadAllText(netLog));
        var startJob = log.RootElement.GetProperty("constants").GetProperty("logEventTypes").GetProperty("URL_REQUEST_START_JOB").GetInt32();
        var requests = new List<string>();
        var browserOwn = 0;
        foreach (var e in log.RootElement.GetProperty("events").EnumerateArray())
        {
            if (e.GetProperty("type").GetInt32() != startJob || !e.TryGetProperty("params", out var p) || !p.TryGetProperty("url", out var url))
            {
                continue;
            }

            if (p.TryGetProperty("initiator", out var initiator) && initiator.GetString() == "not an origin")
            {
                browserOwn++;
                continue;
            }

            requests.Add(url.GetString()!);
        }

        return requests;
    }

    private static void AssertOnlyTheFileWasRequested(string netLog)
    {
        var requests = PageRequests(netLog);
        Assert.True(requests.Count == 0, "the page made requests: " + string.Join(", ", requests));
    }

    [SkippableFact]
    public void The_network_check_sees_a_request_a_page_makes()
    {
        // The control for the check above: the same report with an image and a style sheet from loopback, and the
        // Content-Security-Policy taken out, is seen making both requests.
        var chromium = HeadlessChromium.Binary();
        using var folder = new TempFolder();
        var report = Export(Path.Combine(DataSets.Folder("v2/native"), "opencode"), folder.Path);
        var html = File.ReadAllText(report);
        html = Regex.Replace(html, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", string.Empty)
            .Replace("</main>", "<img src=\"http://127.0.0.1:9/pixel.png\" alt=\"\"><link rel=\"stylesheet\" href=\"http://127.0.0.1:9/a.css\"></main>", StringComparison.Ordinal);
        File.WriteAllText(report, html);
        var netLog = Path.Combine(folder.Path, "net.json");
        HeadlessChromium.Run(chromium, new Uri(report).AbsoluteUri, "--screenshot=" + Path.Combine(folder.Path, "shot.png"), "--window-size=800,600", $"--log-net-log={netLog}");
        Assert.Equal(["http://127.0.0.1:9/a.css", "http://127.0.0.1:9/pixel.png"], PageRequests(netLog).Distinct().Order(StringComparer.Ordinal));
    }

    private static void Sqlite3(string database, string sql)
    {
        var start = new ProcessStartInfo("sqlite3", [database]) { RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }

    [GeneratedRegex("(?:src|href)\\s*=\\s*\"(?!#|data:)[^\"]+\"|url\\((?!#|data:)|@import", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("<th scope=\"row\"(?:[^>]*? title=\"(?<title>[^\"]*)\")?[^>]*>(?<text>[^<]*)</th>")]
    private static partial Regex HeaderCell();

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("ocu-report-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
