using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>Turns scanned messages into session digests, one per session, as the rows stream past.</summary>
internal sealed class DigestBuilder(Dictionary<string, SessionDigest> into) : IMessageSink
{
    private SessionDigest? _last;

    public bool WantsMessageIds => true;

    /// <summary>Sessions that received at least one message in this scan.</summary>
    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    public void Accept(SessionRecord session, string? messageId, ref MessagePayload message)
    {
        var digest = DigestFor(session);
        digest.MessageCount++;
        digest.FirstAgent ??= message.EffectiveAgent;
        if (!message.IsAssistant)
        {
            return;
        }

        digest.Rows.Add(AssistantRow.From(messageId ?? string.Empty, message));
        // A reply still streaming has no completion time, finish or error yet; its figures will change.
        if (message.Completed == 0 && message.Finish is null && message.ErrorName is null)
        {
            digest.Unsettled = true;
        }
    }

    public void Malformed(SessionRecord session, string? messageId) => DigestFor(session).MalformedRows++;

    /// <summary>A fresh, empty digest for a session about to be (re)scanned.</summary>
    public SessionDigest Reset(SessionRecord session, long eventSequence)
    {
        var digest = new SessionDigest { SessionId = session.Id, Updated = session.Updated, EventSequence = eventSequence };
        into[session.Id] = digest;
        _last = digest;
        return digest;
    }

    private SessionDigest DigestFor(SessionRecord session)
    {
        Touched.Add(session.Id);
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
}
