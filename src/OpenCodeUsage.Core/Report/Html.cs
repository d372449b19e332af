using System.Globalization;
using System.Net;
using System.Text;

namespace OpenCodeUsage.Report;

/// <summary>Small HTML helpers: every text that reaches the page goes through <see cref="Text"/>, so no session title can open a tag.</summary>
internal static class Html
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Text for element content and quoted attribute values: &lt; &gt; &amp; " ' encoded.</summary>
    public static string Text(string? value) => WebUtility.HtmlEncode(value ?? string.Empty);

    /// <summary>A cost as the tables print it: a dollar sign and six decimals (model calls cost fractions of a cent).</summary>
    public static string Money(decimal value) => "$" + value.ToString("#,0.000000", Invariant);

    public static string Integer(long value) => value.ToString("#,0", Invariant);

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", Invariant) + "%" : "–";

    public static string Number(double value, string format = "0.0") => value.ToString(format, Invariant);

    /// <summary>An exact value for a data-value attribute, which tests and scripts read (the text is for people).</summary>
    public static string Exact(decimal value) => value.ToString(Invariant);

    public static string Exact(long value) => value.ToString(Invariant);

    public static string Exact(double value) => value.ToString("R", Invariant);

    public static string Duration(TimeSpan value) =>
        value.TotalHours >= 1 ? $"{(int)value.TotalHours}h {value.Minutes:D2}m"
        : value.TotalMinutes >= 1 ? $"{value.Minutes}m {value.Seconds:D2}s"
        : (value.TotalMilliseconds / 1000).ToString("0.00", Invariant) + "s";

    public static string Bytes(long value) =>
        value < 1024 ? $"{value} B"
        : value < 1024 * 1024 ? (value / 1024.0).ToString("0.0", Invariant) + " KiB"
        : (value / 1048576.0).ToString("0.0", Invariant) + " MiB";

    /// <summary>A table with a caption, column headers (scope col) and rows whose first cell is a row header (scope row).</summary>
    /// <param name="textColumns">Columns of text (left-aligned); the others hold figures (right-aligned).</param>
    public static void Table(StringBuilder html, string id, string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<Cell>> rows,
        IReadOnlyList<Cell>? footer = null, params int[] textColumns)
    {
        html.Append("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"").Append(id).Append("-caption\">");
        html.Append("<table id=\"").Append(id).Append("\"><caption id=\"").Append(id).Append("-caption\">").Append(Text(caption)).Append("</caption><thead><tr>");
        for (var i = 0; i < headers.Count; i++)
        {
            html.Append("<th scope=\"col\"").Append(i == 0 || textColumns.Contains(i) ? string.Empty : " class=\"num\"").Append('>').Append(Text(headers[i])).Append("</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            AppendRow(html, row);
        }

        html.Append("</tbody>");
        if (footer is not null)
        {
            html.Append("<tfoot>");
            AppendRow(html, footer);
            html.Append("</tfoot>");
        }

        html.Append("</table></div>");
    }

    private static void AppendRow(StringBuilder html, IReadOnlyList<Cell> row)
    {
        html.Append("<tr>");
        for (var i = 0; i < row.Count; i++)
        {
            var cell = row[i];
            html.Append(i == 0 ? "<th scope=\"row\"" : cell.IsText ? "<td" : "<td class=\"num\"");
            if (cell.Name is not null)
            {
                html.Append(" data-name=\"").Append(cell.Name).Append('"');
            }

            if (cell.Value is not null)
            {
                html.Append(" data-value=\"").Append(Text(cell.Value)).Append('"');
            }

            if (cell.Hint is not null)
            {
                html.Append(" title=\"").Append(Text(cell.Hint)).Append('"');
            }

            html.Append('>').Append(Text(cell.Display)).Append(i == 0 ? "</th>" : "</td>");
        }

        html.Append("</tr>");
    }
}

/// <summary>One table cell: what people read, and where it is a figure, its name and exact value.</summary>
internal sealed record Cell(string Display, string? Name = null, string? Value = null, string? Hint = null, bool IsText = false)
{
    public static Cell Day(DateTime day, string format = "yyyy-MM-dd") =>
        new(day.ToString(format, System.Globalization.CultureInfo.InvariantCulture), "day", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    public static Cell Text(string text, string name) => new(text, name, IsText: true);

    public static Cell Money(decimal value, string name = "cost") => new(Html.Money(value), name, Html.Exact(value));

    public static Cell Integer(long value, string name) => new(Html.Integer(value), name, Html.Exact(value));

    public static Cell Label(string text, string? hint = null) => new(text, Hint: hint);
}
