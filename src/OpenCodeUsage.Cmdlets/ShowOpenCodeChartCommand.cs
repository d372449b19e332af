using System.Globalization;
using System.Management.Automation;
using OpenCodeUsage.Report;

namespace OpenCodeUsage.Commands;

/// <summary>What Show-OpenCodeChart draws bars of.</summary>
public enum ChartMeasure
{
    Cost,
    EstimatedCost,
    TotalTokens,
    InputTokens,
    OutputTokens,
    Messages,
    CacheHitRate,
    TokensPerSecond,
}

/// <summary>
/// Draws piped Get-OpenCodeUsage rows as a bar chart in the terminal: a line per row with its group, a bar and
/// the figure, in -Width columns (80 by default). Figures are never shortened: labels, then bars, give way.
/// </summary>
[Cmdlet(VerbsCommon.Show, "OpenCodeChart")]
[OutputType(typeof(string))]
public sealed class ShowOpenCodeChartCommand : OpenCodeCmdlet
{
    private readonly List<UsageSummary> _rows = [];

    /// <summary>Rows of Get-OpenCodeUsage (any grouping); the total row is left out.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public UsageSummary? InputObject { get; set; }

    /// <summary>The figure the bars show.</summary>
    [Parameter(Position = 0)]
    public ChartMeasure Measure { get; set; } = ChartMeasure.Cost;

    /// <summary>Columns the chart may use.</summary>
    [Parameter]
    [ValidateRange(40, 1000)]
    public int Width { get; set; } = 80;

    protected override void ProcessRecord()
    {
        if (InputObject is { IsTotal: false } row)
        {
            _rows.Add(row);
        }
    }

    protected override void EndProcessing()
    {
        if (_rows.Count == 0)
        {
            return;
        }

        var points = _rows.Select(r => (r.Group, Value(r), Text(r))).ToList();
        var total = Measure is ChartMeasure.CacheHitRate or ChartMeasure.TokensPerSecond ? null
            : $", total {Format(points.Sum(p => p.Item2))}";
        var title = $"{Measure} per {string.Join(" · ", Groupings())}{total}";
        WriteObject(title.Length <= Width ? title : title[..(Width - 1)] + "…");
        WriteObject(TerminalChart.Render(points, Width), enumerateCollection: true);
    }

    private IEnumerable<string> Groupings()
    {
        var first = _rows[0];
        var names = new List<string>();
        if (first.Date is not null) names.Add("day");
        if (first.Week is not null) names.Add("week");
        if (first.Month is not null) names.Add("month");
        if (first.SessionId is not null) names.Add("session");
        if (first.ProjectId is not null) names.Add("project");
        if (first.ModelId is not null) names.Add("model");
        else if (first.ProviderId is not null) names.Add("provider");
        if (first.Agent is not null) names.Add("agent");
        return names.Count == 0 ? ["group"] : names;
    }

    private double Value(UsageSummary r) => Measure switch
    {
        ChartMeasure.Cost => (double)r.Cost,
        ChartMeasure.EstimatedCost => (double)(r.EstimatedCost ?? 0),
        ChartMeasure.TotalTokens => r.TotalTokens,
        ChartMeasure.InputTokens => r.InputTokens,
        ChartMeasure.OutputTokens => r.OutputTokens,
        ChartMeasure.Messages => r.Messages,
        ChartMeasure.CacheHitRate => r.CacheHitRate ?? 0,
        ChartMeasure.TokensPerSecond => r.TokensPerSecond ?? 0,
        _ => 0,
    };

    private string Text(UsageSummary r) => Measure switch
    {
        ChartMeasure.EstimatedCost when r.EstimatedCost is null => "?",
        ChartMeasure.CacheHitRate => r.CacheHitRate is { } rate ? (rate * 100).ToString("0.0", CultureInfo.CurrentCulture) + "%" : "–",
        ChartMeasure.TokensPerSecond => r.TokensPerSecond is { } s ? s.ToString("0.0", CultureInfo.CurrentCulture) : "–",
        _ => Format(Value(r)),
    };

    private string Format(double value) => Measure switch
    {
        ChartMeasure.Cost or ChartMeasure.EstimatedCost => Display.Money((decimal)value),
        _ => Display.Tokens((long)Math.Round(value)),
    };
}
