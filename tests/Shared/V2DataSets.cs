using System.Globalization;

namespace OpenCodeUsage.Tests;

/// <summary>
/// The generated OpenCode 2.x data sets under tests/data/v2 (tools/OpenCodeV2Data), their oracle figures
/// (tests/data/v2/oracle_v2.py) and the generator's ledger. Names are relative to tests/data, so
/// <see cref="DataSets.Folder"/> and <see cref="ExpectedUsage.Load"/> take them as they are.
/// </summary>
internal static class V2DataSets
{
    public static IReadOnlyList<string> Names { get; } = ["v2/native", "v2/upgraded-columns", "v2/preview-shape", "v2/migrated"];

    public static IEnumerable<object[]> All => Names.Select(n => new object[] { n });

    /// <summary>Real data of the real 2.0 preview binary (tools/OpenCodeFixture make-preview), not generated.</summary>
    public const string RealPreview = "v2/preview-1.18.18";

    /// <summary>Every 2.x data set with oracle figures: the generated ones and the real preview data.</summary>
    public static IEnumerable<object[]> WithOracle => All.Append([RealPreview]);

    public static string DataDir(string dataSet) => Path.Combine(DataSets.Folder(dataSet), "opencode");

    public static string Database(string dataSet) => Path.Combine(DataDir(dataSet), "opencode.db");

    /// <summary>The generator's name of a data set ("v2/native" -> "native").</summary>
    public static string GeneratorName(string dataSet) => dataSet["v2/".Length..];
}

/// <summary>
/// One row of expected-sessions.tsv (oracle_v2.py --sessions): a session's own figures (fork copies excluded, usage
/// no row carries included), the part of them no row carries (Rest*), and the session table's own columns (S*).
/// </summary>
internal sealed record V2ExpectedSession(
    string Id, string Generation, string Parent, string ForkOf, string Project, string Title, int Messages,
    long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, double Cost, long RestTokens, double RestCost,
    long SInput, long SOutput, long SReasoning, long SCacheRead, long SCacheWrite, double SCost)
{
    public static IReadOnlyList<V2ExpectedSession> Load(string dataSet)
    {
        var inv = CultureInfo.InvariantCulture;
        return File.ReadAllLines(Path.Combine(DataSets.Folder(dataSet), "expected-sessions.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new V2ExpectedSession(f[0], f[1], f[2], f[3], f[4], f[5], int.Parse(f[6], inv),
                long.Parse(f[7], inv), long.Parse(f[8], inv), long.Parse(f[9], inv), long.Parse(f[10], inv), long.Parse(f[11], inv),
                double.Parse(f[12], inv), long.Parse(f[13], inv), double.Parse(f[14], inv),
                long.Parse(f[15], inv), long.Parse(f[16], inv), long.Parse(f[17], inv), long.Parse(f[18], inv), long.Parse(f[19], inv),
                double.Parse(f[20], inv)))
            .ToList();
    }
}

/// <summary>One row of a generated data set's ledger.tsv: a model call the generator billed (truth by construction).</summary>
internal sealed record LedgerRow(string Session, string Kind, string Row, long Time, string Model, string Agent,
    long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, double Cost, bool Reverted)
{
    public static IReadOnlyList<LedgerRow> Load(string dataSet)
    {
        var inv = CultureInfo.InvariantCulture;
        return File.ReadAllLines(Path.Combine(DataSets.Folder(dataSet), "ledger.tsv")).Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Select(f => new LedgerRow(f[0], f[1], f[2], long.Parse(f[3], inv), f[4], f[5], long.Parse(f[6], inv),
                long.Parse(f[7], inv), long.Parse(f[8], inv), long.Parse(f[9], inv), long.Parse(f[10], inv),
                double.Parse(f[11], inv), f[12] == "1"))
            .ToList();
    }
}
