namespace OpenCodeUsage.Digest;

/// <summary>
/// Holds the rows of a scan until it ends, then hands each session exactly the list it needs. Rows appended to
/// per-session lists as they stream past would grow those lists by doubling: for a million rows, two to three
/// times their size in discarded arrays, most of them on the large object heap where only a full collection
/// frees them. Here rows go into fixed chunks small enough for the ordinary heap, and are copied once.
/// </summary>
internal sealed class RowArena(RowChunks? chunks = null)
{
    private const int ChunkRows = RowChunks.Rows;
    private readonly RowChunks _chunks = chunks ?? new RowChunks();

    private readonly List<AssistantRow[]> _rows = [];
    private readonly List<SessionDigest[]> _owners = [];
    private int _used = ChunkRows;

    public long Count { get; private set; }

    public void Add(SessionDigest owner, in AssistantRow row)
    {
        if (_used == ChunkRows)
        {
            var (rows, owners) = _chunks.Rent();
            _rows.Add(rows);
            _owners.Add(owners);
            _used = 0;
        }

        _rows[^1][_used] = row;
        _owners[^1][_used] = owner;
        _used++;
        Count++;
    }

    /// <summary>Moves every row to its session's list, in the order they came, and empties the arena.</summary>
    public void MoveToSessions()
    {
        if (Count == 0)
        {
            return;
        }

        var needed = new Dictionary<SessionDigest, int>(ReferenceEqualityComparer.Instance);
        for (var c = 0; c < _owners.Count; c++)
        {
            var owners = _owners[c];
            var used = c == _owners.Count - 1 ? _used : ChunkRows;
            for (var i = 0; i < used; i++)
            {
                needed[owners[i]] = needed.GetValueOrDefault(owners[i]) + 1;
            }
        }

        // Where the next row of each session goes; its exact array is made when its first row arrives, so
        // arrays are made as chunks are let go.
        var next = new Dictionary<SessionDigest, int>(needed.Count, ReferenceEqualityComparer.Instance);
        for (var c = 0; c < _rows.Count; c++)
        {
            var rows = _rows[c];
            var owners = _owners[c];
            var used = c == _rows.Count - 1 ? _used : ChunkRows;
            for (var i = 0; i < used; i++)
            {
                var owner = owners[i];
                if (!next.TryGetValue(owner, out var at))
                {
                    var kept = owner.Rows;
                    owner.Rows = RowArrays.Allocate(kept.Length + needed[owner]);
                    kept.CopyTo(owner.Rows, 0);
                    at = kept.Length;
                }

                owner.Rows[at] = rows[i];
                next[owner] = at + 1;
            }

            _chunks.Return(rows, owners);
            _rows[c] = null!;
            _owners[c] = null!;
        }

        _rows.Clear();
        _owners.Clear();
        _used = ChunkRows;
        Count = 0;
    }
}

/// <summary>
/// Chunks handed from one arena to the next during a scan. A slice's chunks live as long as the slice is read,
/// long enough for the collector to promote them; returned and reused, they stop being garbage that only a full
/// collection frees. Owner slots are cleared on return so no digest is held past its slice.
/// </summary>
internal sealed class RowChunks
{
    // 1024 rows stay under the 85,000-byte threshold of the large object heap.
    public const int Rows = 1024;

    private readonly System.Collections.Concurrent.ConcurrentBag<(AssistantRow[], SessionDigest[])> _free = [];

    public (AssistantRow[] Rows, SessionDigest[] Owners) Rent() =>
        _free.TryTake(out var chunk) ? chunk : (new AssistantRow[Rows], new SessionDigest[Rows]);

    public void Return(AssistantRow[] rows, SessionDigest[] owners)
    {
        Array.Clear(owners);
        _free.Add((rows, owners));
    }
}
