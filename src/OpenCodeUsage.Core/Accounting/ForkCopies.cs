using OpenCodeUsage.Digest;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// Tells fork copies from originals. A fork copies its source's messages under new ids with the same creation
/// time and usage, so a message created before its own session is a copy suspect; it is a copy when another
/// session holds a message with the same <see cref="CopyKey"/>. Where the original was deleted, the suspect
/// with the smallest id stands in for it and is counted. Where several sessions hold the original (a hand-made
/// copy of a session), the earliest is credited. Only the suspects' keys are indexed (see <see cref="OriginalsIndex"/>).
/// </summary>
internal sealed class ForkCopies
{
    private static readonly object LastGate = new();
    private static Last? s_last;

    private readonly Dictionary<SessionDigest, HashSet<int>> _copies;

    private ForkCopies(Dictionary<SessionDigest, HashSet<int>>? copies = null) =>
        _copies = copies is null ? new(ReferenceEqualityComparer.Instance) : new(copies, ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _forkOf = new(StringComparer.Ordinal);
    private readonly HashSet<string> _credited = new(StringComparer.Ordinal);
    private HashSet<long> _suspectTimes = [];

    /// <summary>The last answer and the digests it was worked out from (digests are replaced, never changed).</summary>
    private sealed record Last(Dictionary<string, SessionDigest> Digests, ForkCopies Result);

    /// <param name="remember">Keep this answer and the index of originals for the next call (not for -NoCache reads: they hold their digests).</param>
    public static ForkCopies Find(DataCatalog catalog, bool remember = true)
    {
        if (!remember)
        {
            return Compute(catalog, remember);
        }

        Last? last;
        lock (LastGate)
        {
            last = s_last;
        }

        // The catalog gives every session its digest and is never changed once read: it is the record to keep.
        var digests = catalog.Digests;
        var result = last is not null && Carried(last, catalog, digests) is { } carried ? carried : Compute(catalog, remember);
        lock (LastGate)
        {
            s_last = new Last(digests, result);
        }

        return result;
    }

    /// <summary>
    /// The last answer, carried over to the new digests, when every session that changed since neither was
    /// credited as an original, nor now holds a row with a suspect's creation time, nor has other copy suspects
    /// than before (a fork that went on: its copies are the same rows, first in the digest); and none was removed.
    /// New messages in a session (the usual change) pass all of these. Null when the answer must be worked out again.
    /// </summary>
    private static ForkCopies? Carried(Last last, DataCatalog catalog, Dictionary<string, SessionDigest> digests)
    {
        var kept = 0;
        List<(SessionDigest Old, SessionDigest New)>? moved = null;
        foreach (var session in catalog.Sessions.Values)
        {
            var digest = digests[session.Id];
            var known = last.Digests.GetValueOrDefault(session.Id);
            if (known is not null)
            {
                kept++;
            }

            if (ReferenceEquals(known, digest))
            {
                continue;
            }

            if (last.Result._credited.Contains(session.Id) || MayHoldOriginal(session, digest, last.Result._suspectTimes))
            {
                return null;
            }

            var suspects = digest.CreatedBefore(session.Created);
            if (suspects.Length == 0)
            {
                continue;
            }

            if (known is null || !SameSuspects(known, digest, session.Created))
            {
                return null;
            }

            (moved ??= []).Add((known, digest));
        }

        if (kept != last.Digests.Count)
        {
            return null; // a session was removed
        }

        if (moved is null)
        {
            return last.Result;
        }

        var carried = new ForkCopies(last.Result._copies) { _suspectTimes = last.Result._suspectTimes };

        foreach (var (old, now) in moved)
        {
            if (carried._copies.Remove(old, out var copies))
            {
                carried._copies[now] = copies;
            }
        }

        foreach (var (fork, original) in last.Result._forkOf)
        {
            carried._forkOf[fork] = original;
        }

        carried._credited.UnionWith(last.Result._credited);
        return carried;
    }

    private static bool SameSuspects(SessionDigest before, SessionDigest now, long sessionCreated)
    {
        var a = before.CreatedBefore(sessionCreated);
        var b = now.CreatedBefore(sessionCreated);
        if (!a.AsSpan().SequenceEqual(b))
        {
            return false;
        }

        foreach (var i in a)
        {
            if (before.Rows[i].Key != now.Rows[i].Key)
            {
                return false;
            }
        }

        return true;
    }

    private static bool MayHoldOriginal(SessionRecord session, SessionDigest digest, HashSet<long> suspectTimes)
    {
        if (suspectTimes.Count == 0)
        {
            return false;
        }

        foreach (ref readonly var row in digest.Rows.AsSpan())
        {
            if (row.Created >= session.Created && suspectTimes.Contains(row.Created))
            {
                return true;
            }
        }

        return false;
    }

    private static ForkCopies Compute(DataCatalog catalog, bool remember)
    {
        var result = new ForkCopies();
        // Counted first, so the list (large: every copied row) is made once at its size.
        var count = 0;
        foreach (var session in catalog.Sessions.Values)
        {
            count += catalog.DigestOf(session).CreatedBefore(session.Created).Length;
        }

        var suspects = new List<(SessionRecord Session, SessionDigest Digest, int Index, CopyKey Key)>(count);
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

        result._suspectTimes = new HashSet<long>(suspects.Count);
        var keys = new HashSet<CopyKey>(suspects.Count);
        foreach (var suspect in suspects)
        {
            result._suspectTimes.Add(suspect.Key.Created);
            keys.Add(suspect.Key);
        }

        var originals = OriginalsIndex.For(catalog, keys, remember);
        var orphans = new List<(SessionRecord Session, SessionDigest Digest, int Index, CopyKey Key)>();
        foreach (var suspect in suspects)
        {
            if (originals.OriginalOf(suspect.Key, suspect.Session) is { } original)
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
            var first = group.MinBy(s => s.Digest.IdOf(s.Digest.Rows[s.Index]) ?? string.Empty, StringComparer.Ordinal);
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
        _credited.Add(original.Id);
        if (!ReferenceEquals(original, session))
        {
            _forkOf.TryAdd(session.Id, original.Id);
        }
    }
}
