using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// A cold read of a large message table, split by rowid across the cores: parsing the JSON is the cost. The
/// table is cut into several ranges per core, taken in turn by one reader per core (each with its own read-only
/// connection), so a range of heavy rows does not leave a core idle at the end; the ranges' digests are merged
/// in rowid order. The calling thread is one of the readers, so progress is only ever reported from it.
/// </summary>
internal static class ParallelScan
{
    /// <summary>Below this the threads cost more than they save.</summary>
    public const long MinimumRows = 100_000;

    // Each range's rows wait in an arena until the range ends: smaller ranges keep fewer of them at once.
    private const int RangesPerReader = 16;

    public static void Run(StoreRef store, SqliteStore first, long maxRowId, SessionOwners owner, DigestBuilder into,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        var readers = Math.Clamp(Environment.ProcessorCount, 2, 4);
        var ranges = readers * RangesPerReader;
        var bounds = Enumerable.Range(0, ranges + 1).Select(i => i == ranges ? long.MaxValue : i == 0 ? long.MinValue : maxRowId * i / ranges).ToArray();
        var results = new Dictionary<string, SessionDigest>[ranges];
        var chunks = new RowChunks();
        var next = -1;
        long rowsDone = 0;

        void Read(SqliteStore sqlite, bool reportsProgress)
        {
            int range;
            while ((range = Interlocked.Increment(ref next)) < ranges)
            {
                long before = Interlocked.Read(ref rowsDone), inRange = 0;
                Action<long>? counted = reportsProgress ? n => progress?.Invoke(before + n * readers) : null;
                results[range] = ScanRange(sqlite, bounds[range], bounds[range + 1], owner, chunks, counted, n => inRange = n, cancellationToken);
                Interlocked.Add(ref rowsDone, inRange);
            }
        }

        var others = Enumerable.Range(1, readers - 1).Select(_ => Task.Run(() =>
        {
            using var sqlite = SqliteStore.Open(store);
            Read(sqlite, reportsProgress: false);
        }, cancellationToken)).ToArray();

        Read(first, reportsProgress: true);
        Task.WaitAll(others, cancellationToken);
        foreach (var range in results)
        {
            into.Merge(range);
        }
    }

    private static Dictionary<string, SessionDigest> ScanRange(SqliteStore sqlite, long after, long last, SessionOwners owner,
        RowChunks chunks, Action<long>? progress, Action<long> rows, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<string, SessionDigest>(StringComparer.Ordinal);
        var builder = new DigestBuilder(digests, chunks);
        long seen = 0;
        sqlite.ScanMessageRange(after, last, owner, builder, new StringPool(), n =>
        {
            seen = n;
            progress?.Invoke(n);
        }, cancellationToken);
        builder.Complete();
        rows(seen);
        return digests;
    }
}
