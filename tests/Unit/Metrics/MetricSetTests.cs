using OpenCodeUsage.Metrics;
using Xunit;

namespace OpenCodeUsage.Tests.Metrics;

/// <summary>The exposition writer: the format's escapes, naming rules, one HELP and TYPE per family, a fixed order.</summary>
public sealed class MetricSetTests
{
    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed_and_nothing_else()
    {
        var set = new MetricSet();
        set.Define("x_total", MetricType.Counter, "h", "machine");
        set.Add("x_total", 1, "a\\b\"c\nd\re\tf ü{}=,");
        Assert.EndsWith("\nx_total{machine=\"a\\\\b\\\"c\\nd\re\tf ü{}=,\"} 1\n", set.ToText(), StringComparison.Ordinal);
        Assert.Equal("C:\\\\x \\\"q\\\" \\n", MetricSet.EscapeLabelValue("C:\\x \"q\" \n"));
    }

    [Fact]
    public void Help_escapes_backslash_and_line_feed_but_leaves_quotes()
    {
        var set = new MetricSet();
        set.Define("g", MetricType.Gauge, "one \"two\"\nthree \\ four");
        Assert.StartsWith("# HELP g one \"two\"\\nthree \\\\ four\n# TYPE g gauge\n", set.ToText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("opencode_tokens", MetricType.Counter)]
    [InlineData("opencode_sessions_total", MetricType.Gauge)]
    [InlineData("9starts_with_digit", MetricType.Gauge)]
    [InlineData("has-dash_total", MetricType.Counter)]
    public void Names_follow_the_conventions(string name, MetricType type) =>
        Assert.Throws<ArgumentException>(() => new MetricSet().Define(name, type, "h"));

    [Theory]
    [InlineData("__reserved")]
    [InlineData("with-dash")]
    [InlineData("1digit")]
    public void Label_names_are_valid(string label) =>
        Assert.Throws<ArgumentException>(() => new MetricSet().Define("g", MetricType.Gauge, "h", label));

    [Fact]
    public void A_counter_never_goes_down_and_a_family_is_defined_once_alike()
    {
        var set = new MetricSet();
        set.Define("c_total", MetricType.Counter, "h", "a");
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Add("c_total", -1, "x"));
        Assert.Throws<ArgumentException>(() => set.Add("c_total", 1, "x", "y"));
        Assert.Throws<InvalidOperationException>(() => set.Add("undefined_total", 1));
        set.Define("c_total", MetricType.Counter, "h", "a");
        Assert.Throws<InvalidOperationException>(() => set.Define("c_total", MetricType.Counter, "other help", "a"));
    }

    [Fact]
    public void Help_and_type_come_once_per_family_before_its_samples_and_equal_labels_are_summed()
    {
        var set = new MetricSet();
        set.Define("b_total", MetricType.Counter, "B.", "k");
        set.Define("a", MetricType.Gauge, "A.");
        set.Add("b_total", 1, "y");
        set.Add("b_total", 2, "x");
        set.Add("b_total", 0.5m, "y");
        set.Add("a", 3);
        Assert.Equal("""
            # HELP a A.
            # TYPE a gauge
            a 3
            # HELP b_total B.
            # TYPE b_total counter
            b_total{k="x"} 2
            b_total{k="y"} 1.5

            """.ReplaceLineEndings("\n"), set.ToText());
    }

    [Fact]
    public void The_text_does_not_depend_on_the_order_samples_came_in()
    {
        var values = Enumerable.Range(0, 50).Select(i => ($"m{i % 7}", $"p{i % 3}", i)).ToList();
        string Build(IEnumerable<(string, string, int)> order)
        {
            var set = new MetricSet();
            set.Define("z_total", MetricType.Counter, "z", "model", "project");
            set.Define("y", MetricType.Gauge, "y", "model");
            foreach (var (model, project, i) in order)
            {
                set.Add("z_total", i, model, project);
                set.Add("y", 1, model);
            }

            return set.ToText();
        }

        var forward = Build(values);
        Assert.Equal(forward, Build(Enumerable.Reverse(values)));
        Assert.Equal(forward, Build(values.OrderBy(v => v.Item3 * 7919 % 50)));
        Assert.Equal(2, forward.Split('\n').Count(l => l.StartsWith("# TYPE", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("12.3400", "12.34")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    public void Values_are_written_exactly_without_trailing_zeros(string value, string text) =>
        Assert.Equal(text, MetricSet.FormatValue(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}
