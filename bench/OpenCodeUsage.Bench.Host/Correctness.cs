using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Compares the module's daily rows (UTC, fork copies removed) with the totals the generator added up
/// while writing the database (&lt;db&gt;.expected.json): every day and the grand total must agree.
/// </summary>
internal static class Correctness
{
    // Costs are summed from doubles by the module and exactly by the generator: allow rounding noise only.
    private const decimal CostTolerance = 0.000001m;

    private static readonly (string Expected, string Actual)[] Fields =
    [
        ("assistantMessages", "Messages"), ("input", "InputTokens"), ("output", "OutputTokens"), ("reasoning", "ReasoningTokens"),
        ("cacheRead", "CacheReadTokens"), ("cacheWrite", "CacheWriteTokens"), ("cost", "Cost"),
    ];

    public static string Compare(Collection<PSObject> rows, string expectedPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(expectedPath));
        var expectedDays = doc.RootElement.GetProperty("daysUtc").EnumerateArray()
            .ToDictionary(d => d.GetProperty("date").GetString()!, d => d);
        var problems = new List<string>();
        var actualDays = new Dictionary<string, PSObject>();
        foreach (var row in rows)
        {
            var date = row.Properties["Date"]?.Value is DateTime day ? day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "?";
            actualDays[date] = row;
        }

        foreach (var (date, expected) in expectedDays)
        {
            if (!actualDays.TryGetValue(date, out var actual))
            {
                problems.Add($"{date} missing");
                continue;
            }

            problems.AddRange(Differences(date, expected, name => ToDecimal(actual.Properties[name]?.Value)));
        }

        problems.AddRange(actualDays.Keys.Where(d => !expectedDays.ContainsKey(d)).Select(d => $"{d} not expected"));
        var totals = Fields.ToDictionary(f => f.Actual, f => actualDays.Values.Sum(r => ToDecimal(r.Properties[f.Actual]?.Value)));
        problems.AddRange(Differences("total", doc.RootElement.GetProperty("dedup"), name => totals[name]));
        return problems.Count == 0
            ? $"OK ({expectedDays.Count} days, total cost {totals["Cost"].ToString("0.######", CultureInfo.InvariantCulture)})"
            : $"MISMATCH ({problems.Count}): " + string.Join("; ", problems.Take(5));
    }

    private static IEnumerable<string> Differences(string where, JsonElement expected, Func<string, decimal> actual)
    {
        foreach (var (expectedName, actualName) in Fields)
        {
            var want = expected.GetProperty(expectedName).GetDecimal();
            var got = actual(actualName);
            var tolerance = expectedName == "cost" ? CostTolerance : 0m;
            if (Math.Abs(want - got) > tolerance)
            {
                yield return $"{where} {actualName} {got} != {want}";
            }
        }
    }

    private static decimal ToDecimal(object? value) => value is null ? 0m : Convert.ToDecimal(value, CultureInfo.InvariantCulture);
}
