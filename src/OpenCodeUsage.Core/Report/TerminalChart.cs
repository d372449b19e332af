using System.Text;

namespace OpenCodeUsage.Report;

/// <summary>
/// A bar chart as text lines for the terminal: a label, a bar drawn in eighth blocks, and the value, in a given
/// width. Labels may be shortened; values never are (the bar gives way).
/// </summary>
public static class TerminalChart
{
    private const string Eighths = " ▏▎▍▌▋▊▉";
    private const int MaxLabel = 24;
    private const int MinBar = 8;

    public static IReadOnlyList<string> Render(IReadOnlyList<(string Label, double Value, string Text)> rows, int width)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var valueWidth = rows.Max(r => r.Text.Length);
        var labelWidth = Math.Min(MaxLabel, rows.Max(r => r.Label.Length));
        // Narrow widths cut the labels first, then the bar, never the figure.
        labelWidth = Math.Max(4, Math.Min(labelWidth, width - valueWidth - MinBar - 2));
        var barWidth = Math.Max(1, width - labelWidth - valueWidth - 2);
        var max = rows.Max(r => r.Value);
        var lines = new List<string>(rows.Count);
        foreach (var (label, value, text) in rows)
        {
            var line = new StringBuilder(width);
            line.Append(Fit(label, labelWidth).PadRight(labelWidth)).Append(' ');
            line.Append(Bar(max > 0 && value > 0 ? value / max * barWidth : 0, barWidth));
            line.Append(' ').Append(text.PadLeft(valueWidth));
            lines.Add(line.ToString());
        }

        return lines;
    }

    private static string Bar(double cells, int width)
    {
        var eighths = (int)Math.Round(cells * 8);
        // A value above zero always shows: at least an eighth.
        if (eighths == 0 && cells > 0)
        {
            eighths = 1;
        }

        var bar = new string('█', eighths / 8) + (eighths % 8 > 0 ? Eighths[eighths % 8].ToString() : string.Empty);
        return bar.PadRight(width);
    }

    private static string Fit(string label, int width) => label.Length <= width ? label : label[..(width - 1)] + "…";
}
