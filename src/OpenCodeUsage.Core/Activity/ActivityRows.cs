namespace OpenCodeUsage.Activity;

/// <summary>
/// The rows the watcher derives events from, whatever they were read from: database rows (ids in columns),
/// legacy JSON files and server events (ids inside the JSON). <c>Created</c> is 0 where the source has none.
/// </summary>
internal sealed record SessionRow(string Id, string? ProjectId, string? ParentId, string? Title, string? Directory, long Created)
{
    /// <summary>The session's totals when it was first seen (server mode: OpenCode's own figures), if known.</summary>
    public Accounting.TokenTotals? Totals { get; init; }

    /// <summary>OpenCode's own running totals of a 2.x session (<c>session_v2</c> cost and tokens), as this read saw them.</summary>
    public Accounting.TokenTotals? Reported { get; init; }

    /// <summary>OpenCode 2.x: when the session last went idle and how (<c>session_v2.time_idle</c>, <c>idle_outcome</c>).</summary>
    public long? Idle { get; init; }

    public string? IdleOutcome { get; init; }
}

internal sealed record MessageRow(string Id, string SessionId, long Created, byte[] Data);

/// <summary>A 2.x <c>session_message</c> row: its type is a column; an assistant row is one step, rewritten in place until it ends.</summary>
internal sealed record StepRow(string Id, string SessionId, string Type, long Created, byte[] Data);

internal sealed record PartRow(string Id, string MessageId, string SessionId, long Created, byte[] Data);

/// <summary>One read's worth of changes, in the order the deriver applies them.</summary>
internal sealed class ChangeBatch
{
    public List<SessionRow> NewSessions { get; } = [];
    public List<SessionRow> UpdatedSessions { get; } = [];
    public List<MessageRow> Messages { get; } = [];
    public List<PartRow> Parts { get; } = [];
    public List<StepRow> Steps { get; } = [];

    public bool IsEmpty => NewSessions.Count == 0 && UpdatedSessions.Count == 0 && Messages.Count == 0 && Parts.Count == 0 && Steps.Count == 0;
}
