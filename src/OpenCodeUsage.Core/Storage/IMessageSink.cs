namespace OpenCodeUsage.Storage;

/// <summary>Receives messages as a store is scanned, one at a time, without materialising them.</summary>
internal interface IMessageSink
{
    /// <summary>
    /// A message is passed with its database rowid (-1 in legacy files) and, where cheap or needed, its id:
    /// always in legacy files, and in databases for messages created before their session (fork-copy suspects).
    /// </summary>
    void Accept(SessionRecord session, string? messageId, long rowId, ref MessagePayload message);

    /// <summary>Whether a user message of this session must be parsed; if not, it is only counted.</summary>
    bool NeedsUserDetails(SessionRecord session);

    void CountUserMessage(SessionRecord session);

    /// <summary>A 2.x row that is no message (agent-switched, system, idle, a compaction without usage…): counted apart.</summary>
    void CountEvent(SessionRecord session);

    /// <summary>A 2.x step still streaming (no tokens yet): counted as a message, its usage read once it finishes.</summary>
    void Streaming(SessionRecord session);

    /// <summary>A row whose JSON could not be read; it is counted and skipped.</summary>
    void Malformed(SessionRecord session, string? messageId);
}
