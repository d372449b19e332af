using System.Globalization;
using System.Text;

namespace OpenCodeUsage.Report;

/// <summary>
/// The report's charts as inline SVG, drawn here (no script, no library, nothing fetched): each has a title
/// and a description for screen readers (role img, aria-labelledby), and its figures sit in a table beside it.
/// </summary>
internal static class SvgChart
{
    /// <summary>Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics), told apart by hue.</summary>
    public static readonly string[] Palette = ["#1f5fa8", "#c0392b", "#1e7b3a", "#7b3fa0", "#8a5a00", "#b0306a", "#00707a", "#4d4d4d"];

    public const string Other = "#6b6b6b";

    private const int Width = 640;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public sealed record Series(string Name, string Color, IReadOnlyList<double> Values);

    /// <summary>Vertical bars per category, each stacked from the series' values.</summary>
    public static string StackedBars(string id, string title, string desc, IReadOnlyList<string> categories, IReadOnlyList<Series> series, Func<double, string> format)
    {
        const int height = 300, left = 84, right = 10, top = 18, bottom = 46;
        var totals = categories.Select((_, i) => series.Sum(s => Math.Max(0, s.Values[i]))).ToList();
        var max = NiceMax(totals.DefaultIfEmpty(0).Max());
        var plotW = Width - left - right;
        var plotH = height - top - bottom;
        var svg = Open(id, title, desc, Width, height);
        Axis(svg, left, top, plotW, plotH, max, format);
        var slot = categories.Count == 0 ? plotW : (double)plotW / categories.Count;
        var barW = Math.Max(2, Math.Min(48, slot * 0.7));
        var labelEvery = Math.Max(1, (int)Math.Ceiling(categories.Count / 8.0));
        for (var i = 0; i < categories.Count; i++)
        {
            var x = left + slot * i + (slot - barW) / 2;
            var y = (double)top + plotH;
            foreach (var s in series)
            {
                var v = Math.Max(0, s.Values[i]);
                if (v <= 0 || max <= 0)
                {
                    continue;
                }

                var h = v / max * plotH;
                y -= h;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(barW)}\" height=\"{F(h)}\" fill=\"{s.Color}\"><title>{Html.Text($"{categories[i]} · {s.Name}: {format(v)}")}</title></rect>");
            }

            if (i % labelEvery == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(left + slot * i + slot / 2)}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\" class=\"tick\">{Html.Text(Short(categories[i]))}</text>");
            }
        }

        return Close(svg);
    }

    /// <summary>Horizontal bars, one per item, longest first as given, with the value printed after each bar.</summary>
    public static string HorizontalBars(string id, string title, string desc, IReadOnlyList<(string Label, double Value, string Text)> items)
    {
        // Narrower units than the other charts: on a phone its labels then scale to a readable size.
        const int row = 30, labelW = 200, valueW = 120, width = 500;
        var height = Math.Max(1, items.Count) * row + 10;
        var max = items.Select(i => i.Value).DefaultIfEmpty(0).Max();
        var svg = Open(id, title, desc, width, height, css: "hbar");
        for (var i = 0; i < items.Count; i++)
        {
            var (label, value, text) = items[i];
            var y = 5 + i * row;
            var w = max <= 0 ? 0 : Math.Max(value > 0 ? 2 : 0, value / max * (width - labelW - valueW - 10));
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelW - 8}\" y=\"{y + 20}\" text-anchor=\"end\" class=\"label\">{Html.Text(Cut(label, 20))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelW}\" y=\"{y + 4}\" width=\"{F(w)}\" height=\"{row - 10}\" fill=\"{Palette[i % Palette.Length]}\"><title>{Html.Text($"{label}: {text}")}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(labelW + w + 6)}\" y=\"{y + 20}\" class=\"value\">{Html.Text(text)}</text>");
        }

        return Close(svg);
    }

    /// <summary>A line of rates (0 to 1) over the categories; a missing rate (no input that day) breaks the line.</summary>
    public static string RateLine(string id, string title, string desc, IReadOnlyList<string> categories, IReadOnlyList<double?> rates)
    {
        const int height = 260, left = 80, right = 16, top = 18, bottom = 46;
        var plotW = Width - left - right;
        var plotH = height - top - bottom;
        var svg = Open(id, title, desc, Width, height);
        Axis(svg, left, top, plotW, plotH, 1, v => (v * 100).ToString("0", Invariant) + "%");
        var slot = categories.Count == 0 ? plotW : (double)plotW / categories.Count;
        var labelEvery = Math.Max(1, (int)Math.Ceiling(categories.Count / 8.0));
        var path = new StringBuilder();
        var pen = false;
        for (var i = 0; i < categories.Count; i++)
        {
            var x = left + slot * i + slot / 2;
            if (rates[i] is { } r)
            {
                var y = top + plotH - r * plotH;
                path.Append(pen ? " L" : " M").Append(F(x)).Append(' ').Append(F(y));
                pen = true;
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"4\" fill=\"{Palette[0]}\"><title>{Html.Text($"{categories[i]}: {Html.Percent(r)}")}</title></circle>");
            }
            else
            {
                pen = false;
            }

            if (i % labelEvery == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\" class=\"tick\">{Html.Text(Short(categories[i]))}</text>");
            }
        }

        if (path.Length > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path.ToString().Trim()}\" fill=\"none\" stroke=\"{Palette[0]}\" stroke-width=\"2.5\"/>");
        }

        return Close(svg);
    }

    /// <summary>
    /// A calendar of the whole months around the period: a column per week (Monday first), a cell per day, darker
    /// for more; days of the period without usage are grey, days outside it are left white.
    /// </summary>
    public static string Calendar(string id, string title, string desc, DateTime periodFirst, DateTime periodLast, IReadOnlyDictionary<DateTime, double> values, Func<double, string> format)
    {
        const int cell = 22, gap = 4, left = 36, top = 24;
        var first = new DateTime(periodFirst.Year, periodFirst.Month, 1);
        var last = new DateTime(periodLast.Year, periodLast.Month, 1).AddMonths(1).AddDays(-1);
        string[] scale = ["#ebedf0", "#a6d8b4", "#5cb574", "#2d8a4b", "#145c2d"];
        var start = first.AddDays(-(((int)first.DayOfWeek + 6) % 7));
        var weeks = (int)Math.Ceiling(((last - start).TotalDays + 1) / 7);
        // Wide enough for the legend whatever the period.
        var width = Math.Max(left + weeks * (cell + gap) + 10, 270);
        var height = top + 7 * (cell + gap) + 34;
        var max = values.Values.DefaultIfEmpty(0).Max();
        var svg = Open(id, title, desc, width, height, natural: true);
        string[] dayNames = ["Mon", "", "Wed", "", "Fri", "", "Sun"];
        for (var d = 0; d < 7; d++)
        {
            if (dayNames[d].Length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + d * (cell + gap) + 15}\" text-anchor=\"end\" class=\"small\">{dayNames[d]}</text>");
            }
        }

        var lastMonth = -1;
        for (var w = 0; w < weeks; w++)
        {
            for (var d = 0; d < 7; d++)
            {
                var day = start.AddDays(w * 7 + d);
                if (day < first || day > last)
                {
                    continue;
                }

                if (day.Month != lastMonth)
                {
                    lastMonth = day.Month;
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + w * (cell + gap)}\" y=\"{top - 8}\" class=\"small\">{day.ToString("MMM", Invariant)}</text>");
                }

                var (x, y) = (left + w * (cell + gap), top + d * (cell + gap));
                if (day < periodFirst || day > periodLast)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" rx=\"3\" fill=\"#fff\" stroke=\"#c8c8c8\" stroke-width=\"0.5\"><title>{day:yyyy-MM-dd}: outside the period</title></rect>");
                    continue;
                }

                var v = values.TryGetValue(day, out var found) ? found : 0;
                var level = v <= 0 || max <= 0 ? 0 : Math.Min(4, 1 + (int)(v / max * 3.999));
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{cell}\" height=\"{cell}\" rx=\"3\" fill=\"{scale[level]}\" stroke=\"#8c8c8c\" stroke-width=\"0.5\"><title>{Html.Text($"{day:yyyy-MM-dd}: {format(v)}")}</title></rect>");
            }
        }

        var legendY = top + 7 * (cell + gap) + 8;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{legendY + 15}\" class=\"small\">less</text>");
        for (var i = 0; i < scale.Length; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + 30 + i * (cell + gap)}\" y=\"{legendY}\" width=\"{cell}\" height=\"{cell}\" rx=\"3\" fill=\"{scale[i]}\" stroke=\"#8c8c8c\" stroke-width=\"0.5\"/>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 34 + scale.Length * (cell + gap)}\" y=\"{legendY + 15}\" class=\"small\">more</text>");
        return Close(svg);
    }

    private static void Axis(StringBuilder svg, int left, int top, int plotW, int plotH, double max, Func<double, string> format)
    {
        for (var i = 0; i <= 4; i++)
        {
            var y = top + plotH - plotH * i / 4.0;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{left + plotW}\" y1=\"{F(y)}\" y2=\"{F(y)}\" class=\"{(i == 0 ? "base" : "grid")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" class=\"tick\">{Html.Text(format(max * i / 4))}</text>");
        }
    }

    /// <summary>1, 2 or 5 times a power of ten at or above the largest value, so the grid lines read as round numbers.</summary>
    internal static double NiceMax(double max)
    {
        if (max <= 0 || !double.IsFinite(max))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= max)
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    private static StringBuilder Open(string id, string title, string desc, int width, int height, bool natural = false, string? css = null)
    {
        var svg = new StringBuilder();
        var size = natural ? $" width=\"{width}\" height=\"{height}\"" : string.Empty;
        var classes = "chart" + (natural ? " natural" : string.Empty) + (css is null ? string.Empty : " " + css);
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" class=\"{classes}\" viewBox=\"0 0 {width} {height}\"{size} role=\"img\" aria-labelledby=\"{id}-t {id}-d\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-t\">{Html.Text(title)}</title><desc id=\"{id}-d\">{Html.Text(desc)}</desc>");
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static string F(double value) => value.ToString("0.##", Invariant);

    /// <summary>A day label as a tick: "11-27" for "2026-11-27".</summary>
    private static string Short(string label) => label.Length == 10 && label[4] == '-' ? label[5..] : Cut(label, 12);

    internal static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
