using OpenCodeUsage.Digest;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// Tells fork copies from originals. A fork copies its source's messages under new ids with the same creation
/// time and usage, so a message created before its own session is a copy suspect; it is a copy when another
/// session holds a message with the same <see cref="CopyKey"/>. Where the original was deleted, the suspect
/// with the smallest id stands in for it and is counted.
/// Only the suspects' keys are indexed, so this costs one pass over the rows and memory for the few suspects.
/// </summary>
internal sealed class ForkCopies
{
    private readonly Dictionary<SessionDigest, HashSet<int>> _copies = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _forkOf = new(StringComparer.Ordinal);

    public static ForkCopies Find(DataCatalog catalog)
    {
        var result = new ForkCopies();
        var suspects = new List<(SessionRecord Session, SessionDigest Digest, int Index, CopyKey Key)>();
        foreach (var session in catalog.Sessions.Values)
        {
            // Digests never change once built, so each keeps its own suspects: a repeated call costs a lookup per session.
            var digest = catalog.DigestOf(session);
            foreach (var i in digest.CreatedBefore(session.Created))
            {
                suspects.Add((session, digest, i, digest.Rows[i].Key));
            }
        }

        if (suspects.Count == 0)
        {
            return result;
        }

        // Creation times first: a cheap filter that leaves almost no row for the full key comparison. Sessions whose
        // rows span no suspect's time cannot hold an original, and most sessions are short: they are passed over whole.
        var times = suspects.Select(s => s.Key.Created).ToHashSet();
        var sortedTimes = times.Order().ToArray();
        var wanted = suspects.Select(s => s.Key).ToHashSet();
        var originals = new Dictionary<CopyKey, SessionRecord>();
        foreach (var session in catalog.Sessions.Values)
        {
            var digest = catalog.DigestOf(session);
            var (min, max) = digest.CreatedRange();
            var first = Array.BinarySearch(sortedTimes, min);
            if (first < 0 && (~first >= sortedTimes.Length || sortedTimes[~first] > max))
            {
                continue;
            }

            foreach (var row in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(digest.Rows))
            {
                if (row.Created >= session.Created && times.Contains(row.Created) && wanted.Contains(row.Key))
                {
                    originals.TryAdd(row.Key, session);
                }
            }
        }

        var orphans = new List<(SessionRecord Session, SessionDigest Digest, int Index, CopyKey Key)>();
        foreach (var suspect in suspects)
        {
            if (originals.TryGetValue(suspect.Key, out var original) && !ReferenceEquals(original, suspect.Session))
            {
                result.MarkCopy(suspect.Session, suspect.Digest, suspect.Index, original);
            }
            else
            {
                orphans.Add(suspect);
            }
        }

        foreach (var group in orphans.GroupBy(s => s.Key))
        {
            var first = group.MinBy(s => s.Digest.Rows[s.Index].Id ?? string.Empty, StringComparer.Ordinal);
            foreach (var other in group.Where(o => !ReferenceEquals(o.Digest, first.Digest) || o.Index != first.Index))
            {
                result.MarkCopy(other.Session, other.Digest, other.Index, first.Session);
            }
        }

        return result;
    }

    public bool IsCopy(SessionDigest digest, int index) => _copies.TryGetValue(digest, out var set) && set.Contains(index);

    public bool HasCopies(SessionDigest digest) => _copies.ContainsKey(digest);

    /// <summary>The indexes of the digest's rows that are copies, or null when none is.</summary>
    public IReadOnlySet<int>? CopiesOf(SessionDigest digest) => _copies.GetValueOrDefault(digest);

    /// <summary>The session whose messages <paramref name="sessionId"/> copied, when it is a fork.</summary>
    public string? ForkOf(string sessionId) => _forkOf.GetValueOrDefault(sessionId);

    private void MarkCopy(SessionRecord session, SessionDigest digest, int index, SessionRecord original)
    {
        if (!_copies.TryGetValue(digest, out var set))
        {
            set = [];
            _copies[digest] = set;
        }

        set.Add(index);
        if (!ReferenceEquals(original, session))
        {
            _forkOf.TryAdd(session.Id, original.Id);
        }
    }
}
