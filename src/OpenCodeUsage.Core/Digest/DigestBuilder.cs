using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>Turns scanned messages into session digests, one per session, as the rows stream past.</summary>
internal sealed class DigestBuilder(Dictionary<string, SessionDigest> into, RowChunks? chunks = null) : IMessageSink
{
    private readonly NameNumbers _names = new();
    private readonly RowArena _arena = new(chunks);
    private long _unnumberedRows;
    private SessionDigest? _last;

    public bool NeedsUserDetails(SessionRecord session) => DigestFor(session).FirstAgent is null;

    public void CountUserMessage(SessionRecord session) => DigestFor(session).MessageCount++;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Accept(SessionRecord session, string? messageId, long rowId, ref MessagePayload message)
    {
        var digest = DigestFor(session);
        digest.MessageCount++;
        digest.FirstAgent ??= message.EffectiveAgent;
        if (!message.IsAssistant)
        {
            return;
        }

        if (rowId < 0)
        {
            rowId = long.MinValue + ++_unnumberedRows; // legacy files and secondary tables give no rowid: numbered in the order read, below every real one
        }

        if ((rowId < 0 || message.Created < session.Created) && messageId is not null)
        {
            digest.KeepId(rowId, messageId);
        }

        _arena.Add(digest, new AssistantRow
        {
            Created = message.Created,
            RowId = rowId,
            Input = AssistantRow.Clamp(message.Input),
            Output = AssistantRow.Clamp(message.OutputWithoutReasoning),
            Reasoning = AssistantRow.Clamp(message.Reasoning),
            CacheRead = AssistantRow.Clamp(message.CacheRead),
            CacheWrite = AssistantRow.Clamp(message.CacheWrite),
            Cost = message.Cost,
            ModelPair = _names.Pair(message.ProviderId, message.ModelId),
            AgentPair = _names.Pair(message.EffectiveAgent, message.ErrorName),
            GenerationMs = AssistantRow.GenerationOf(message.Created, message.Completed),
        });
        // A reply still streaming has no completion time, finish or error yet; its figures will change.
        if (message.Completed == 0 && message.Finish is null && message.ErrorName is null)
        {
            digest.Unsettled = true;
        }
    }

    public void Malformed(SessionRecord session, string? messageId) => DigestFor(session).MalformedRows++;

    public void CountEvent(SessionRecord session) => DigestFor(session).EventRows++;

    public void Streaming(SessionRecord session)
    {
        var digest = DigestFor(session);
        digest.MessageCount++;
        digest.Unsettled = true;
    }

    /// <summary>A fresh, empty digest for a session about to be (re)scanned.</summary>
    public SessionDigest Reset(SessionRecord session, long eventSequence)
    {
        var digest = new SessionDigest { SessionId = session.Id, Updated = session.Updated, EventSequence = eventSequence };
        into[session.Id] = digest;
        _last = digest;
        return digest;
    }

    /// <summary>After a parallel scan: a scanned session's digest gets its event sequence, a session without rows an empty digest.</summary>
    public void Settle(SessionRecord session, long eventSequence)
    {
        if (into.TryGetValue(session.Id, out var digest))
        {
            digest.EventSequence = eventSequence;
        }
        else
        {
            Reset(session, eventSequence);
        }
    }

    /// <summary>Ends the scan: every row read is placed in its session's digest. Call before the digests are read.</summary>
    public void Complete() => _arena.MoveToSessions();

    /// <summary>Adds a slice's digests (read in rowid order after the slices already merged) to this builder's.</summary>
    public void Merge(Dictionary<string, SessionDigest> slice)
    {
        Complete();
        foreach (var (id, part) in slice)
        {
            if (!into.TryGetValue(id, out var digest))
            {
                into[id] = part;
                continue;
            }

            if (part.Ids is { } kept)
            {
                foreach (var (rowId, messageId) in kept)
                {
                    digest.KeepId(rowId, messageId);
                }
            }

            digest.MessageCount += part.MessageCount;
            digest.FirstAgent ??= part.FirstAgent;
            digest.MalformedRows += part.MalformedRows;
            digest.EventRows += part.EventRows;
            digest.Unsettled |= part.Unsettled;
            // The usual case: the session's rows all lie in one slice, and its array is taken as it is.
            digest.Rows = RowArrays.Concat(digest.Rows, part.Rows);
        }
    }

    private SessionDigest DigestFor(SessionRecord session)
    {
        if (_last is not null && _last.SessionId == session.Id)
        {
            return _last;
        }

        if (!into.TryGetValue(session.Id, out var digest))
        {
            digest = new SessionDigest { SessionId = session.Id, Updated = session.Updated };
            into[session.Id] = digest;
        }

        _last = digest;
        return digest;
    }

    /// <summary>Numbers names with a one-entry memo: consecutive rows nearly always repeat the same model and agent.</summary>
    private sealed class NameNumbers
    {
        // A text no name is (pooled names are never this literal), so the memo starts empty.
        private (string?, string?) _lastPairNames = ("\0", "\0");
        private int _lastPair;
        private (string?, string?) _secondPairNames = ("\0", "\0");
        private int _secondPair;

        public int Pair(string? first, string? second)
        {
            if (ReferenceEquals(first, _lastPairNames.Item1) && ReferenceEquals(second, _lastPairNames.Item2))
            {
                return _lastPair;
            }

            if (ReferenceEquals(first, _secondPairNames.Item1) && ReferenceEquals(second, _secondPairNames.Item2))
            {
                return _secondPair;
            }

            (_secondPairNames, _secondPair) = (_lastPairNames, _lastPair);
            _lastPairNames = (first, second);
            _lastPair = Names.Pair(Number(first), Number(second));
            return _lastPair;
        }

        private string? _lastName;
        private int _lastNumber = Names.None;
        private string? _secondName;
        private int _secondNumber = Names.None;

        public int Number(string? name)
        {
            if (name is null)
            {
                return Names.None;
            }

            if (ReferenceEquals(name, _lastName))
            {
                return _lastNumber;
            }

            if (ReferenceEquals(name, _secondName))
            {
                return _secondNumber;
            }

            (_secondName, _secondNumber) = (_lastName, _lastNumber);
            _lastName = name;
            _lastNumber = Names.Number(name);
            return _lastNumber;
        }
    }
}
