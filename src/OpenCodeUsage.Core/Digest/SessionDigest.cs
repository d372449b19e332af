using System.Runtime.CompilerServices;
using OpenCodeUsage.Accounting;

namespace OpenCodeUsage.Digest;

/// <summary>One session's messages, digested: counts, its assistant rows, and what tells whether it changed since.</summary>
internal sealed class SessionDigest
{
    public required string SessionId { get; init; }

    /// <summary>Messages of every role.</summary>
    public int MessageCount { get; set; }

    /// <summary>The agent of the session's first message that names one.</summary>
    public string? FirstAgent { get; set; }

    /// <summary>
    /// The session's assistant rows, in the order read; set only while the digest is built. An exact array from
    /// <see cref="RowArrays"/>: no list around it, nothing to spare.
    /// </summary>
    public AssistantRow[] Rows { get; set; } = [];

    /// <summary>Message ids kept outright, by row id: rows of legacy files, and rows created before their session (fork-copy suspects).</summary>
    public Dictionary<long, string>? Ids { get; set; }

    public string? IdOf(in AssistantRow row) => Ids is { } ids && ids.TryGetValue(row.RowId, out var id) ? id : null;

    public void KeepId(long rowId, string id) => (Ids ??= [])[rowId] = id;

    /// <summary>The session row's time_updated when digested.</summary>
    public long Updated { get; set; }

    /// <summary>The session's event sequence (OpenCode 1.17+) when digested; -1 where there is none.</summary>
    public long EventSequence { get; set; } = -1;

    /// <summary>Rows of this session skipped because their JSON could not be read.</summary>
    public int MalformedRows { get; set; }

    /// <summary>A reply was still being written when digested: read the session again next time.</summary>
    public bool Unsettled { get; set; }

    /// <summary>2.x rows that are no message (agent-switched, system, idle…): counted so the table's count can be checked.</summary>
    public int EventRows { get; set; }

    /// <summary>Rows read from a table other than <c>message</c> (newer builds), so counts can be checked against it.</summary>
    public int SecondaryMessages { get; set; }

    // Boxed: worked out for few sessions in most calls, so most digests hold a null, not a struct's worth of zeros.
    private StrongBox<TokenTotals>? _totals;
    private int _latest = -2;
    private (long Min, long Max)? _createdRange;
    private (long SessionCreated, int[] Indexes)? _suspects;

    /// <summary>The earliest and latest creation time of the rows, (0, -1) when there are none.</summary>
    public (long Min, long Max) CreatedRange()
    {
        if (_createdRange is { } known)
        {
            return known;
        }

        long min = long.MaxValue, max = long.MinValue;
        foreach (ref readonly var row in Rows.AsSpan())
        {
            min = Math.Min(min, row.Created);
            max = Math.Max(max, row.Created);
        }

        var range = Rows.Length == 0 ? (0L, -1L) : (min, max);
        _createdRange = range;
        return range;
    }

    /// <summary>Rows created before their session (<paramref name="sessionCreated"/>): what a fork copies.</summary>
    public int[] CreatedBefore(long sessionCreated)
    {
        if (_suspects is { } known && known.SessionCreated == sessionCreated)
        {
            return known.Indexes;
        }

        var indexes = new List<int>();
        var rows = Rows.AsSpan();
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].Created < sessionCreated)
            {
                indexes.Add(i);
            }
        }

        var result = indexes.Count == 0 ? [] : indexes.ToArray();
        _suspects = (sessionCreated, result);
        return result;
    }

    /// <summary>
    /// Sums of every assistant row (fork copies included, as OpenCode's session columns hold them). Worked out
    /// once: a digest is never changed after it is built; a changed session gets a new digest.
    /// </summary>
    public TokenTotals Totals()
    {
        if (_totals is { } known)
        {
            return known.Value;
        }

        var totals = default(TokenTotals);
        foreach (ref readonly var row in Rows.AsSpan())
        {
            totals.Add(row);
        }

        _totals = new StrongBox<TokenTotals>(totals);
        return totals;
    }

    /// <summary>The newest row that names a model (the session's current model), or null.</summary>
    public AssistantRow? Latest()
    {
        if (_latest == -2)
        {
            _latest = -1;
            for (var i = 0; i < Rows.Length; i++)
            {
                // Rows come in rowid order from a full scan and in time order from a session's index: ties on the
                // time go to the row written last either way.
                if (Rows[i].Model >= 0 && (_latest < 0 || Rows[i].Created > Rows[_latest].Created
                                           || (Rows[i].Created == Rows[_latest].Created && Rows[i].RowId >= Rows[_latest].RowId)))
                {
                    _latest = i;
                }
            }
        }

        return _latest < 0 ? null : Rows[_latest];
    }
}
