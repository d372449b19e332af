using System.Globalization;

namespace OpenCodeUsage.Tests;

/// <summary>
/// One row of a data set's expected-usage.tsv, written by tests/data/oracle.py: usage computed straight from
/// OpenCode's raw rows by an independent implementation (Python, sqlite3, its own fork and version rules).
/// </summary>
internal sealed record ExpectedUsage(
    string Grouping, string Key, int Sessions, int Messages, long Input, long Output, long Reasoning,
    long CacheRead, long CacheWrite, decimal Cost)
{
    public static IReadOnlyList<ExpectedUsage> Load(string dataSet)
    {
        var lines = File.ReadAllLines(Path.Combine(DataSets.Folder(dataSet), "expected-usage.tsv"));
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = l.Split('\t');
            var inv = CultureInfo.InvariantCulture;
            return new ExpectedUsage(f[0], f[1], int.Parse(f[2], inv), int.Parse(f[3], inv), long.Parse(f[4], inv),
                long.Parse(f[5], inv), long.Parse(f[6], inv), long.Parse(f[7], inv), long.Parse(f[8], inv),
                decimal.Parse(f[9], NumberStyles.Float, inv));
        }).ToList();
    }
}
