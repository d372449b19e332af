using OpenCodeUsage.Digest;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Usage;

/// <summary>One session's share of a report: its tallies per group, and what they were computed from.</summary>
internal sealed class SessionPart(SessionScope scope)
{
    private SessionTally? _last;
    private List<(int Provider, int Model)>? _unpriced;
    private List<SessionTally>? _spare;

    public SessionScope Scope { get; private set; } = scope;

    public List<SessionTally> Tallies { get; } = [];

    /// <summary>(provider, model) numbers used without a known price.</summary>
    public IReadOnlyList<(int Provider, int Model)> Unpriced => _unpriced ?? (IReadOnlyList<(int, int)>)[];

    /// <summary>For a report that keeps no parts: this part emptied for the next session, its tallies kept for reuse.</summary>
    public SessionPart Reuse(in SessionScope scope)
    {
        Scope = scope;
        _last = null;
        _unpriced?.Clear();
        (_spare ??= []).AddRange(Tallies);
        Tallies.Clear();
        return this;
    }

    public SessionTally TallyFor(in GroupKey key, in CountedMessage first)
    {
        if (_last is not null && _last.Key.Equals(key))
        {
            return _last;
        }

        foreach (var tally in Tallies)
        {
            if (tally.Key.Equals(key))
            {
                return _last = tally;
            }
        }

        if (_spare is { Count: > 0 })
        {
            _last = _spare[^1];
            _spare.RemoveAt(_spare.Count - 1);
            _last.Reset(key, first);
        }
        else
        {
            _last = new SessionTally(key, first);
        }

        Tallies.Add(_last);
        return _last;
    }

    public void NoteUnpriced(int provider, int model)
    {
        _unpriced ??= [];
        if (!_unpriced.Contains((provider, model)))
        {
            _unpriced.Add((provider, model));
        }
    }

    /// <summary>
    /// Still this session's share: the same digest (digests are replaced, never changed, when messages change), the
    /// same session and project rows, and the same rows judged fork copies (which other sessions decide).
    /// </summary>
    public bool StillHolds(in SessionScope now) =>
        ReferenceEquals(Scope.Digest, now.Digest)
        && Scope.Session.Equals(now.Session)
        && SameProject(Scope.Project, now.Project)
        && SameCopies(Scope.Copies, now.Copies);

    private static bool SameProject(ProjectRecord? a, ProjectRecord? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Id == b.Id && a.Worktree == b.Worktree && a.Name == b.Name);

    private static bool SameCopies(IReadOnlySet<int>? a, IReadOnlySet<int>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Count == b.Count && a.SetEquals(b));
}

/// <summary>
/// The session parts of the last reports, so that after a change only the changed sessions are tallied again. Keyed
/// by everything that shapes a part except the databases' state (which each part checks for itself): the
/// question, the databases asked about and the price files' stamps. The prices they were tallied with come along,
/// so reused and new parts price alike.
/// </summary>
internal static class SessionParts
{
    /// <summary>Each entry holds a part per session: a few MB for a large database, so only the last two are kept.</summary>
    private const int Capacity = 2;

    private static readonly LinkedList<Entry> Entries = new();
    private static readonly object Gate = new();

    internal sealed record Entry(string Key, PriceCatalog Prices, IReadOnlyList<string> PriceWarnings, Dictionary<string, SessionPart> Parts);

    public static string? KeyFor(UsageQuery query, IReadOnlyList<Discovery.DataSource> sources, Func<string, string?> environment) =>
        SummaryMemo.KeyFor(query, sources, environment, withDatabaseStamps: false);

    public static Entry? Find(string key)
    {
        lock (Gate)
        {
            return Entries.FirstOrDefault(e => e.Key == key);
        }
    }

    public static void Keep(Entry entry)
    {
        lock (Gate)
        {
            for (var node = Entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Key == entry.Key)
                {
                    Entries.Remove(node);
                    break;
                }
            }

            Entries.AddFirst(entry);
            while (Entries.Count > Capacity)
            {
                Entries.RemoveLast();
            }
        }
    }
}
