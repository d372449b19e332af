namespace OpenCodeUsage.Storage;

/// <summary>Receives messages as a store is scanned, one at a time, without materialising them.</summary>
internal interface IMessageSink
{
    /// <summary>True when every message id is wanted (per-message output); otherwise ids are read only for suspected fork copies.</summary>
    bool WantsMessageIds { get; }

    void Accept(SessionRecord session, string? messageId, ref MessagePayload message);

    /// <summary>A row whose JSON could not be read; it is counted and skipped.</summary>
    void Malformed(SessionRecord session, string? messageId);
}
