using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Pricing;

namespace OpenCodeUsage.Usage;

/// <summary>
/// The last few reports, each kept with the state of every file it was computed from (databases, their -wal,
/// price files). Asking the same question of unchanged files answers from here; any change to any of them
/// recomputes. Stores that cannot be stamped cheaply (legacy JSON folders) are never memoised.
/// </summary>
internal static class SummaryMemo
{
    private const int Capacity = 16;
    private static readonly LinkedList<(string Key, IReadOnlyList<UsageSummary> Rows, IReadOnlyList<string> Warnings)> Entries = new();
    private static readonly object Gate = new();

    /// <summary>The memo key for a query over these sources, or null when it cannot be memoised.</summary>
    public static string? KeyFor(UsageQuery query, IReadOnlyList<DataSource> sources, Func<string, string?> environment,
        bool withDatabaseStamps = true)
    {
        if (query.NoCache || sources.Any(s => s.LegacyStorage is not null))
        {
            return null;
        }

        var key = new System.Text.StringBuilder(query.Key);
        foreach (var db in sources.SelectMany(s => s.Databases))
        {
            key.Append('|').Append(db);
            if (withDatabaseStamps)
            {
                key.Append(':').Append(FileStamp.Of(db));
            }
        }

        var priceFiles = query.PricingPath is { } path ? [path] : PriceCatalog.DefaultFiles(environment);
        foreach (var file in priceFiles)
        {
            var info = new FileInfo(file);
            key.Append('|').Append(file).Append(':').Append(info.Exists ? $"{info.Length}/{info.LastWriteTimeUtc.Ticks}" : "-");
        }

        return key.ToString();
    }

    /// <summary>
    /// The remembered rows, with the warnings the computation gave (they are given again): from memory, else from
    /// the reports an earlier process saved in <paramref name="directory"/> (null: memory only).
    /// </summary>
    public static (IReadOnlyList<UsageSummary> Rows, IReadOnlyList<string> Warnings)? Find(string key, string? directory)
    {
        lock (Gate)
        {
            for (var node = Entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == key)
                {
                    Entries.Remove(node);
                    Entries.AddFirst(node);
                    // Copies: a script may decorate what it got (Add-Member); the next caller must not see that.
                    return (node.Value.Rows.Select(r => r with { }).ToList(), node.Value.Warnings);
                }
            }
        }

        if (directory is not null && SavedReports.Find(directory, key) is { } saved)
        {
            Remember(key, saved.Rows, saved.Warnings);
            return (saved.Rows.Select(r => r with { }).ToList(), saved.Warnings);
        }

        return null;
    }

    public static void Keep(string key, IReadOnlyList<UsageSummary> rows, IReadOnlyList<string> warnings, string? directory)
    {
        var kept = rows.Select(r => r with { }).ToList();
        Remember(key, kept, warnings.ToList());
        if (directory is not null)
        {
            SavedReports.Keep(directory, new SavedReport { Key = key, Rows = kept, Warnings = warnings.ToList() }, Capacity);
        }
    }

    private static void Remember(string key, IReadOnlyList<UsageSummary> rows, IReadOnlyList<string> warnings)
    {
        lock (Gate)
        {
            Entries.AddFirst((key, rows, warnings));
            while (Entries.Count > Capacity)
            {
                Entries.RemoveLast();
            }
        }
    }

    /// <summary>Drops what is held in memory, as a new process would start (saved reports stay on disk).</summary>
    internal static void ForgetMemory()
    {
        lock (Gate)
        {
            Entries.Clear();
        }

        SavedReports.ForgetMemory();
    }
}
