using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// Adds up messages per session while they stream past, and tells fork copies from originals.
/// A message created before its own session is a copy suspect; it is a copy when another session holds
/// a message with the same <see cref="CopyKey"/>. Where the original was deleted, the earliest copy counts.
/// </summary>
internal sealed class UsageLedger : IMessageSink
{
    private readonly Dictionary<SessionRecord, SessionTally> _tallies = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<CopyKey, SessionRecord> _originals = new();
    private readonly List<Suspect> _suspects = [];
    private bool _resolved;

    public UsageLedger(bool wantsMessageIds = false) => WantsMessageIds = wantsMessageIds;

    public bool WantsMessageIds { get; }

    /// <summary>Rows skipped because their JSON could not be read, per store.</summary>
    public Dictionary<StoreRef, int> MalformedRows { get; } = new();

    /// <summary>Called once per assistant message when its standing is known: for originals at once, for suspects after <see cref="Resolve"/>.</summary>
    public Action<SessionRecord, string?, MessagePayload, bool>? Decided { get; set; }

    public IReadOnlyDictionary<SessionRecord, SessionTally> Tallies => _tallies;

    public void Accept(SessionRecord session, string? messageId, ref MessagePayload message)
    {
        var tally = TallyFor(session);
        tally.MessageCount++;
        if (tally.Agent is null && message.EffectiveAgent is { } agent)
        {
            tally.Agent = agent;
        }

        if (!message.IsAssistant)
        {
            return;
        }

        tally.Raw.Add(message);
        if (message.Created >= tally.LastAssistantCreated && message.ModelId is not null)
        {
            tally.LastAssistantCreated = message.Created;
            tally.LastModelId = message.ModelId;
            tally.LastProviderId = message.ProviderId;
        }

        var key = CopyKey.For(message);
        if (message.Created < session.Created)
        {
            _suspects.Add(new Suspect(session, messageId ?? string.Empty, key, message));
            return;
        }

        _originals.TryAdd(key, session);
        tally.Own.Add(message);
        Decided?.Invoke(session, messageId, message, false);
    }

    public void Malformed(StoreRef store, string? messageId) =>
        MalformedRows[store] = MalformedRows.GetValueOrDefault(store) + 1;

    /// <summary>Settles every copy suspect; call once after all stores were scanned.</summary>
    public void Resolve()
    {
        if (_resolved)
        {
            return;
        }

        _resolved = true;
        var orphans = new List<Suspect>();
        foreach (var suspect in _suspects)
        {
            if (_originals.TryGetValue(suspect.Key, out var original) && !ReferenceEquals(original, suspect.Session))
            {
                MarkCopy(suspect, original);
            }
            else
            {
                orphans.Add(suspect);
            }
        }

        // No original left (deleted, or never stored): the earliest copy stands in for it.
        foreach (var group in orphans.GroupBy(s => s.Key))
        {
            var first = group.MinBy(s => s.MessageId, StringComparer.Ordinal)!;
            TallyFor(first.Session).Own.Add(first.Message);
            Decided?.Invoke(first.Session, first.MessageId, first.Message, false);
            foreach (var other in group)
            {
                if (!ReferenceEquals(other, first))
                {
                    MarkCopy(other, first.Session);
                }
            }
        }
    }

    private void MarkCopy(Suspect suspect, SessionRecord original)
    {
        var tally = TallyFor(suspect.Session);
        tally.ForkOfId ??= ReferenceEquals(original, suspect.Session) ? null : original.Id;
        Decided?.Invoke(suspect.Session, suspect.MessageId, suspect.Message, true);
    }

    private SessionTally TallyFor(SessionRecord session)
    {
        if (!_tallies.TryGetValue(session, out var tally))
        {
            tally = new SessionTally(session);
            _tallies[session] = tally;
        }

        return tally;
    }

    private sealed record Suspect(SessionRecord Session, string MessageId, CopyKey Key, MessagePayload Message);
}
