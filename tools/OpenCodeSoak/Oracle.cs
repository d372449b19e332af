using System.Globalization;
using OpenCodeFixture.Processes;

namespace OpenCodeSoak;

/// <summary>
/// tests/data/oracle.py: an independent reading of the data dir (Python's own sqlite3, no code shared with the
/// module) that leaves fork copies out as our accounting does. Rows by grouping ("total", "day-utc", "session",
/// …) and key.
/// </summary>
internal sealed class Oracle(IReadOnlyDictionary<(string Grouping, string Key), Figures> rows)
{
    public Figures this[string grouping, string key] => rows.GetValueOrDefault((grouping, key));

    public IEnumerable<(string Key, Figures Figures)> Rows(string grouping) =>
        rows.Where(r => r.Key.Grouping == grouping).Select(r => (r.Key.Key, r.Value));

    public static async Task<Oracle> RunAsync(string oracleScript, string dataDirectory, CancellationToken ct)
    {
        var start = ProcessRunner.StartInfo("python3", [oracleScript, dataDirectory], dataDirectory, new Dictionary<string, string?>());
        var result = await ProcessRunner.RunAsync(start, TimeSpan.FromMinutes(5), ct);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("oracle.py failed: " + result.StandardError.Trim());
        }

        // grouping key sessions messages input output reasoning cache_read cache_write cost
        var rows = new Dictionary<(string, string), Figures>();
        foreach (var line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var f = line.Split('\t');
            rows[(f[0], f[1])] = new Figures(L(f[3]), L(f[4]), L(f[5]), L(f[6]), L(f[7]), L(f[8]),
                decimal.Parse(f[9], NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return new Oracle(rows);
    }

    private static long L(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
