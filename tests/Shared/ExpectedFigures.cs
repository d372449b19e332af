using System.Globalization;

namespace OpenCodeUsage.Tests;

/// <summary>
/// One row of a data set's expected.tsv: figures computed straight from OpenCode's raw rows by
/// the fixture's summarize.sh (sqlite3 or jq), independently of this project's code.
/// </summary>
internal sealed record ExpectedSession(
    string Id, string? ParentId, string ProjectId, string Title, int Messages, int AssistantMessages,
    long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, decimal Cost,
    int OwnAssistantMessages, long OwnInput, long OwnOutput, long OwnReasoning, long OwnCacheRead, long OwnCacheWrite, decimal OwnCost,
    decimal? StoredCost, long? StoredInput, long? StoredOutput, long? StoredReasoning, long? StoredCacheRead, long? StoredCacheWrite)
{
    public static IReadOnlyList<ExpectedSession> Load(string dataSet)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.TestData, dataSet, "expected.tsv"));
        var header = lines[0].Split('\t');
        var rows = new List<ExpectedSession>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split('\t');
            if (f[0] == "TOTAL")
            {
                continue;
            }

            string Col(string name) => f[Array.IndexOf(header, name)];
            long L(string name) => long.Parse(Col(name), CultureInfo.InvariantCulture);
            int I(string name) => int.Parse(Col(name), CultureInfo.InvariantCulture);
            decimal D(string name) => decimal.Parse(Col(name), NumberStyles.Float, CultureInfo.InvariantCulture);
            long? OL(string name) => Col(name) is { Length: > 0 } v ? long.Parse(v, CultureInfo.InvariantCulture) : null;
            decimal? OD(string name) => Col(name) is { Length: > 0 } v ? decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
            rows.Add(new ExpectedSession(
                Col("session_id"), Col("parent_id") is { Length: > 0 } p ? p : null, Col("project_id"), Col("title"),
                I("n_msg"), I("n_asst"), L("in"), L("out"), L("reasoning"), L("cache_read"), L("cache_write"), D("cost"),
                I("dd_n_asst"), L("dd_in"), L("dd_out"), L("dd_reasoning"), L("dd_cache_read"), L("dd_cache_write"), D("dd_cost"),
                OD("s_cost"), OL("s_in"), OL("s_out"), OL("s_reasoning"), OL("s_cache_read"), OL("s_cache_write")));
        }

        return rows;
    }
}

/// <summary>The committed data sets made by the real OpenCode CLI, and what their version stored.</summary>
internal static class DataSets
{
    /// <summary>Versions up to 1.3 stored output tokens including reasoning; the module always reports them apart.</summary>
    public static readonly IReadOnlyDictionary<string, bool> OutputIncludesReasoning = new Dictionary<string, bool>
    {
        ["oc-1.0.185"] = true,
        ["oc-1.1.65"] = true,
        ["oc-1.2.27"] = true,
        ["oc-1.14.41"] = false,
        ["oc-1.15.13"] = false,
        ["oc-1.17.19"] = false,
        ["oc-1.18.33"] = false,
    };

    public static IEnumerable<object[]> All => OutputIncludesReasoning.Keys.Select(k => new object[] { k });

    /// <summary>Every data set with an expected-usage.tsv, upgrades and the shipped sample included.</summary>
    public static IEnumerable<object[]> WithUsage =>
        Directory.EnumerateDirectories(RepoPaths.TestData)
            .Where(d => File.Exists(Path.Combine(d, "expected-usage.tsv")))
            .Select(d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)
            .Append(SampleName)
            .Select(n => new object[] { n });

    public const string SampleName = "samples/opencode-sample";

    /// <summary>The folder holding a data set's opencode/ dir and expected files.</summary>
    public static string Folder(string dataSet) =>
        dataSet == SampleName ? Path.Combine(RepoPaths.Root, "samples", "opencode-sample") : Path.Combine(RepoPaths.TestData, dataSet);
}
