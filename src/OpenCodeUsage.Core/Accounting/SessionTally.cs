using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>What one session's messages add up to.</summary>
internal sealed class SessionTally(SessionRecord session)
{
    public SessionRecord Session { get; } = session;

    /// <summary>Messages of every role, as OpenCode counts them.</summary>
    public int MessageCount { get; set; }

    /// <summary>Every assistant message of the session, fork copies included: what OpenCode's session columns hold.</summary>
    public TokenTotals Raw;

    /// <summary>Only what this session itself caused: fork copies of another session's messages left out.</summary>
    public TokenTotals Own;

    /// <summary>The session whose messages this one copied, when it is a fork.</summary>
    public string? ForkOfId { get; set; }

    public string? LastProviderId { get; set; }
    public string? LastModelId { get; set; }
    public long LastAssistantCreated { get; set; } = long.MinValue;
    public string? Agent { get; set; }
}
