using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenCodeUsage.Metrics;

/// <summary>The two metric types the module writes: totals that only grow, and values that go up and down.</summary>
public enum MetricType
{
    Counter,
    Gauge,
}

/// <summary>
/// Metric families in the Prometheus text exposition format (version 0.0.4), built up sample by sample. A sample
/// added twice with the same labels is summed, so callers aggregate by simply adding: that is how labels a user
/// dropped are folded away. The text is deterministic: families by name, samples by their label values, HELP and
/// TYPE once per family, no timestamps (the textfile collector and the Pushgateway both refuse them).
/// </summary>
public sealed partial class MetricSet
{
    private readonly SortedDictionary<string, Family> _families = new(StringComparer.Ordinal);

    /// <summary>Declares a family; its samples all carry <paramref name="labelNames"/>, in that order.</summary>
    public void Define(string name, MetricType type, string help, params string[] labelNames)
    {
        if (!MetricName().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a valid Prometheus metric name.", nameof(name));
        }

        // The naming conventions: a counter's name ends in _total, nothing else's does.
        if ((type == MetricType.Counter) != name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}': a counter's name ends in _total, and only a counter's.", nameof(name));
        }

        foreach (var label in labelNames)
        {
            if (!LabelName().IsMatch(label) || label.StartsWith("__", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{label}' is not a valid Prometheus label name.", nameof(labelNames));
            }
        }

        if (labelNames.Distinct(StringComparer.Ordinal).Count() != labelNames.Length)
        {
            throw new ArgumentException($"'{name}' names a label twice.", nameof(labelNames));
        }

        if (_families.TryGetValue(name, out var known))
        {
            if (known.Type != type || known.Help != help || !known.LabelNames.SequenceEqual(labelNames, StringComparer.Ordinal))
            {
                throw new InvalidOperationException($"The metric '{name}' is already defined otherwise.");
            }

            return;
        }

        _families[name] = new Family(type, help, labelNames);
    }

    /// <summary>Adds <paramref name="value"/> to the sample of <paramref name="name"/> with these label values (one per label name).</summary>
    public void Add(string name, decimal value, params string[] labelValues)
    {
        if (!_families.TryGetValue(name, out var family))
        {
            throw new InvalidOperationException($"The metric '{name}' is not defined.");
        }

        if (labelValues.Length != family.LabelNames.Length)
        {
            throw new ArgumentException($"'{name}' takes {family.LabelNames.Length} label values, not {labelValues.Length}.", nameof(labelValues));
        }

        if (family.Type == MetricType.Counter && value < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"'{name}' is a counter: it never goes down.");
        }

        var key = new LabelValues(labelValues);
        family.Samples[key] = family.Samples.GetValueOrDefault(key) + value;
    }

    /// <summary>The value of one sample, or null when it was never added (for tests and callers that derive).</summary>
    public decimal? Get(string name, params string[] labelValues) =>
        _families.TryGetValue(name, out var family) && family.Samples.TryGetValue(new LabelValues(labelValues), out var value) ? value : null;

    public IEnumerable<string> Names => _families.Keys;

    /// <summary>Adds every sample of <paramref name="other"/> (families defined alike) to this set.</summary>
    public void AddAll(MetricSet other)
    {
        foreach (var (name, family) in other._families)
        {
            Define(name, family.Type, family.Help, family.LabelNames);
            foreach (var (labels, value) in family.Samples)
            {
                Add(name, value, labels.Values);
            }
        }
    }

    /// <summary>The exposition text, UTF-8, lines ending in \n.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var (name, family) in _families)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(family.Type == MetricType.Counter ? "counter" : "gauge").Append('\n');
            foreach (var (labels, value) in family.Samples.OrderBy(s => s.Key, LabelValues.Order))
            {
                text.Append(name);
                if (family.LabelNames.Length > 0)
                {
                    text.Append('{');
                    for (var i = 0; i < family.LabelNames.Length; i++)
                    {
                        text.Append(i == 0 ? "" : ",").Append(family.LabelNames[i]).Append("=\"").Append(EscapeLabelValue(labels.Values[i])).Append('"');
                    }

                    text.Append('}');
                }

                text.Append(' ').Append(FormatValue(value)).Append('\n');
            }
        }

        return text.ToString();
    }

    public byte[] ToUtf8() => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(ToText());

    /// <summary>The Content-Type of <see cref="ToText"/>, as Prometheus asks for the text format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>A label value in the format's escapes: backslash, double quote and line feed.</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A HELP text's escapes: backslash and line feed (a quote stands as it is there).</summary>
    public static string EscapeHelp(string help) =>
        help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A decimal exactly as written, without trailing zeros: tokens are integers, costs keep every digit.</summary>
    public static string FormatValue(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    private sealed class Family(MetricType type, string help, string[] labelNames)
    {
        public MetricType Type { get; } = type;
        public string Help { get; } = help;
        public string[] LabelNames { get; } = labelNames;
        public Dictionary<LabelValues, decimal> Samples { get; } = new();
    }

    /// <summary>One sample's label values, compared by value.</summary>
    private readonly struct LabelValues(string[] values) : IEquatable<LabelValues>
    {
        public string[] Values { get; } = values;

        public static readonly IComparer<LabelValues> Order = Comparer<LabelValues>.Create((a, b) =>
        {
            for (var i = 0; i < Math.Min(a.Values.Length, b.Values.Length); i++)
            {
                var c = string.CompareOrdinal(a.Values[i], b.Values[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Values.Length.CompareTo(b.Values.Length);
        });

        public bool Equals(LabelValues other) => Values.AsSpan().SequenceEqual(other.Values);

        public override bool Equals(object? obj) => obj is LabelValues other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var value in Values)
            {
                hash.Add(value, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }
}
