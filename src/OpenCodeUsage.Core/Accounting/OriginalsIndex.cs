using System.Runtime.InteropServices;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// Which sessions hold a message (created in or after their own session) with each wanted <see cref="CopyKey"/>:
/// the candidates for the original of a fork copy. Finding them means a pass over every row; the last index is
/// kept, so the next call passes only over sessions whose digest is new (digests are replaced, never changed),
/// unless it wants keys the last one did not look for (a new fork).
/// </summary>
internal sealed class OriginalsIndex
{
    private static readonly object Gate = new();
    private static OriginalsIndex? s_last;

    private readonly HashSet<CopyKey> _wanted;
    private readonly HashSet<long> _times;
    private readonly Dictionary<CopyKey, List<SessionRecord>> _found;
    /// <summary>The keys found per session, for the sessions holding any.</summary>
    private readonly Dictionary<string, List<CopyKey>> _keys = new(StringComparer.Ordinal);

    /// <summary>
    /// The digest each session had when scanned (the catalog's own map, never changed once read): a session whose
    /// digest is the same is not scanned again. Null for an index not kept for the next call.
    /// </summary>
    private Dictionary<string, SessionDigest>? _scannedDigests;

    private OriginalsIndex(HashSet<CopyKey> wanted)
    {
        _wanted = wanted;
        _found = new Dictionary<CopyKey, List<SessionRecord>>(wanted.Count);
        _times = wanted.Select(k => k.Created).ToHashSet();
    }

    /// <summary>The sessions holding each of <paramref name="wanted"/> as an original, for the sessions of <paramref name="catalog"/>.</summary>
    public static OriginalsIndex For(DataCatalog catalog, HashSet<CopyKey> wanted, bool remember)
    {
        OriginalsIndex? last;
        lock (Gate)
        {
            last = s_last;
        }

        var index = last is not null && wanted.IsSubsetOf(last._wanted) ? last.Update(catalog) : Build(catalog, wanted, remember);
        if (remember)
        {
            lock (Gate)
            {
                s_last = index;
            }
        }

        return index;
    }

    /// <summary>Sessions other than <paramref name="except"/> holding <paramref name="key"/>, earliest session first.</summary>
    public SessionRecord? OriginalOf(CopyKey key, SessionRecord except)
    {
        SessionRecord? best = null;
        if (!_found.TryGetValue(key, out var candidates))
        {
            return null;
        }

        foreach (var candidate in candidates)
        {
            if (!ReferenceEquals(candidate, except) && candidate.Id != except.Id && (best is null || Earlier(candidate, best)))
            {
                best = candidate;
            }
        }

        return best;
    }

    private static bool Earlier(SessionRecord a, SessionRecord b) =>
        a.Created != b.Created ? a.Created < b.Created : string.CompareOrdinal(a.Id, b.Id) < 0;

    private static OriginalsIndex Build(DataCatalog catalog, HashSet<CopyKey> wanted, bool keepScanned)
    {
        var index = new OriginalsIndex(wanted) { _scannedDigests = keepScanned ? catalog.Digests : null };
        var sortedTimes = index._times.Order().ToArray();
        foreach (var session in catalog.Sessions.Values)
        {
            index.Scan(session, catalog.DigestOf(session), sortedTimes);
        }

        return index;
    }

    /// <summary>A copy of this index for <paramref name="catalog"/>: sessions gone or with a new digest are scanned again.</summary>
    private OriginalsIndex Update(DataCatalog catalog)
    {
        var index = new OriginalsIndex(_wanted) { _scannedDigests = catalog.Digests };
        var sortedTimes = _times.Order().ToArray();
        foreach (var session in catalog.Sessions.Values)
        {
            var digest = catalog.DigestOf(session);
            if (_scannedDigests is { } before && before.TryGetValue(session.Id, out var scanned) && ReferenceEquals(scanned, digest))
            {
                if (_keys.TryGetValue(session.Id, out var keys))
                {
                    index._keys[session.Id] = keys;
                    foreach (var key in keys)
                    {
                        // The record may be a new one for an unchanged session (renamed): the candidate is the current one.
                        index.Add(key, session);
                    }
                }
            }
            else
            {
                index.Scan(session, digest, sortedTimes);
            }
        }

        return index;
    }

    private void Scan(SessionRecord session, SessionDigest digest, long[] sortedTimes)
    {
        List<CopyKey>? keys = null;
        var (min, max) = digest.CreatedRange();
        var first = Array.BinarySearch(sortedTimes, min);
        // Most sessions are short: one whose rows span no wanted time cannot hold an original.
        if (first >= 0 || (~first < sortedTimes.Length && sortedTimes[~first] <= max))
        {
            foreach (ref readonly var row in digest.Rows.AsSpan())
            {
                if (row.Created >= session.Created && _times.Contains(row.Created))
                {
                    var key = row.Key;
                    if (_wanted.Contains(key))
                    {
                        (keys ??= []).Add(key);
                        Add(key, session);
                    }
                }
            }
        }

        if (keys is not null && _scannedDigests is not null)
        {
            _keys[session.Id] = keys;
        }
    }

    private void Add(CopyKey key, SessionRecord session)
    {
        if (!_found.TryGetValue(key, out var sessions))
        {
            sessions = new List<SessionRecord>(1);
            _found[key] = sessions;
        }

        sessions.Add(session);
    }
}
