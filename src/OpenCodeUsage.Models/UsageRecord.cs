namespace OpenCodeUsage;

/// <summary>One assistant message: one billed model call, with its tokens and cost.</summary>
public sealed class UsageRecord
{
    public required string SessionId { get; init; }
    public required string MessageId { get; init; }

    /// <summary>When the message was created, in the report's time zone.</summary>
    public DateTimeOffset Time { get; init; }

    public string? Title { get; init; }
    public string? Project { get; init; }
    public string? ProjectId { get; init; }
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }
    public string? Agent { get; init; }
    public long InputTokens { get; init; }

    /// <summary>Output tokens without reasoning, in every OpenCode version.</summary>
    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long TotalTokens { get; init; }

    /// <summary>Cost in USD as OpenCode stored it.</summary>
    public decimal Cost { get; init; }

    /// <summary>Cost recomputed from the model catalogue's prices; empty when the model has no price.</summary>
    public decimal? EstimatedCost { get; init; }

    /// <summary>True for a copy a fork made of another session's message (never billed); only shown with -IncludeForkCopies.</summary>
    public bool IsForkCopy { get; init; }

    /// <summary>The error OpenCode recorded, e.g. MessageAbortedError.</summary>
    public string? Error { get; init; }

    /// <summary>The data directory (or database file, when one was given) the message was read from: what -DataPath takes.</summary>
    public string? DataPath { get; init; }

    public override string ToString() => MessageId;
}
