using OpenCodeUsage.Report;
using Xunit;

namespace OpenCodeUsage.Tests.Report;

/// <summary>The terminal bar chart: within the width, bars to scale, and the figures whole whatever the width.</summary>
public sealed class TerminalChartTests
{
    private static readonly (string, double, string)[] Days =
    [
        ("2026-11-23", 0.0119, "0.0119"), ("2026-11-24", 0.0383, "0.0383"), ("2026-11-25", 0.355, "0.3550"),
        ("2026-11-26", 0.639, "0.6390"), ("2026-11-27", 0, "0.0000"),
    ];

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(120)]
    public void Every_line_fits_and_ends_with_its_whole_figure(int width)
    {
        var lines = TerminalChart.Render(Days, width);
        Assert.Equal(Days.Length, lines.Count);
        foreach (var (line, (label, _, text)) in lines.Zip(Days))
        {
            Assert.Equal(width, line.Length);
            Assert.EndsWith(" " + text, line);
            Assert.StartsWith(label, line);
        }
    }

    [Fact]
    public void Bars_are_to_scale_and_a_small_value_still_shows()
    {
        var lines = TerminalChart.Render(Days, 80);
        int Cells(string line) => line.Count(c => c is '█' or '▏' or '▎' or '▍' or '▌' or '▋' or '▊' or '▉');
        var largest = Cells(lines[3]);
        Assert.Equal(80 - 10 - 6 - 2, largest); // the largest fills the bar: label 10, figure 6, two spaces
        Assert.InRange(Cells(lines[2]), largest * 0.355 / 0.639 - 1, largest * 0.355 / 0.639 + 1);
        Assert.True(Cells(lines[0]) >= 1);
        Assert.Equal(0, Cells(lines[4]));
    }

    [Fact]
    public void Long_labels_give_way_never_the_figures()
    {
        var rows = new[] { (new string('x', 60), 5.0, "12,345.67"), ("short", 1.0, "1.00") };
        var lines = TerminalChart.Render(rows, 40);
        Assert.All(lines, l => Assert.Equal(40, l.Length));
        Assert.EndsWith(" 12,345.67", lines[0]);
        Assert.Contains('…', lines[0]);
        Assert.EndsWith("      1.00", lines[1]);
    }
}
