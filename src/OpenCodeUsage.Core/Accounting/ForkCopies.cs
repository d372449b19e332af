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
    private readonly Dictionary<SessionDigest, HashSet<int>> _copies = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, string> _forkOf = new(StringComparer.Ordinal);

    /// <param name="remember">Keep the index of originals for the next call (not for -NoCache reads: it holds their digests).</param>
    public static ForkCopies Find(DataCatalog catalog, bool remember = true)
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

        var originals = OriginalsIndex.For(catalog, suspects.Select(s => s.Key).ToHashSet(), remember);
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
