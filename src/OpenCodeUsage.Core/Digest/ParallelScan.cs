using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// A cold read of a large message table, split by rowid across the cores: parsing the JSON is the cost,
/// and each slice gets its own read-only connection and its own digests, merged at the end. The calling
/// thread reads the first slice itself, so progress is only ever reported from it.
/// </summary>
internal static class ParallelScan
{
    /// <summary>Below this the threads cost more than they save.</summary>
    public const long MinimumRows = 100_000;

    public static void Run(StoreRef store, SqliteStore first, long maxRowId, Func<string, SessionRecord?> owner, DigestBuilder into,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        var slices = Math.Clamp(Environment.ProcessorCount, 2, 4);
        var bounds = Enumerable.Range(0, slices + 1).Select(i => maxRowId * i / slices).ToArray();
        var results = new Dictionary<string, SessionDigest>[slices];
        var others = Enumerable.Range(1, slices - 1).Select(i => Task.Run(() =>
        {
            using var sqlite = SqliteStore.Open(store);
            results[i] = ScanSlice(sqlite, bounds[i], i == slices - 1 ? long.MaxValue : bounds[i + 1], owner, null, cancellationToken);
        }, cancellationToken)).ToArray();

        results[0] = ScanSlice(first, long.MinValue, bounds[1], owner, n => progress?.Invoke(n * slices), cancellationToken);
        Task.WaitAll(others, cancellationToken);
        foreach (var slice in results)
        {
            into.Merge(slice);
        }
    }

    private static Dictionary<string, SessionDigest> ScanSlice(SqliteStore sqlite, long after, long last, Func<string, SessionRecord?> owner,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<string, SessionDigest>(StringComparer.Ordinal);
        var builder = new DigestBuilder(digests);
        sqlite.ScanMessageRange(after, last, owner, builder, new StringPool(), progress, cancellationToken);
        builder.Complete();
        return digests;
    }
}
