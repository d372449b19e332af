namespace OpenCodeUsage;

/// <summary>One OpenCode session with what its messages add up to.</summary>
public sealed class Session
{
    public required string Id { get; init; }
    public string? Title { get; init; }
    public string? ProjectId { get; init; }
    public string? ProjectName { get; init; }
    public string? Directory { get; init; }

    /// <summary>The session that started this one as a subagent (the task tool), if any.</summary>
    public string? ParentId { get; init; }

    /// <summary>The session this one was forked from, told from the messages it copied.</summary>
    public string? ForkOfId { get; init; }

    public string? Agent { get; init; }
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }

    /// <summary>provider/model, as OpenCode's -m flag takes it.</summary>
    public string? Model => ModelId is null ? null : ProviderId is null ? ModelId : $"{ProviderId}/{ModelId}";

    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; init; }
    public DateTimeOffset? Archived { get; init; }

    /// <summary>OpenCode 2.x: when the session last went idle (<c>time_idle</c>).</summary>
    public DateTimeOffset? Idle { get; init; }

    /// <summary>OpenCode 2.x: how it went idle (<c>idle_outcome</c>, as OpenCode names it).</summary>
    public string? IdleOutcome { get; init; }

    /// <summary>
    /// What the session is doing: from the database, Busy while a reply is unfinished, Error when the last one failed,
    /// else Idle; from a server (-Server), OpenCode's own state, including waiting for a permission or a question.
    /// </summary>
    public SessionStatus Status { get; internal set; }

    /// <summary>Since when <see cref="Status"/> holds, where the data says: the unfinished reply's start, the failed reply's, the idle time.</summary>
    public DateTimeOffset? StatusSince { get; internal set; }

    /// <summary>Messages of every role.</summary>
    public int MessageCount { get; init; }

    /// <summary>Assistant messages (model replies), each a billed call.</summary>
    public int AssistantMessageCount { get; init; }

    public long InputTokens { get; init; }

    /// <summary>Output tokens without reasoning, in every OpenCode version.</summary>
    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long TotalTokens { get; init; }

    /// <summary>Cost in USD as OpenCode stored it, summed over the session's messages (fork copies included, as OpenCode counts them).</summary>
    public decimal Cost { get; init; }

    /// <summary>Cost of what this session itself caused: without the history a fork copied from its source.</summary>
    public decimal OwnCost { get; init; }

    /// <summary>Subagent sessions below this one, at any depth.</summary>
    public int ChildSessionCount { get; init; }

    /// <summary>TotalTokens of this session and every subagent session below it.</summary>
    public long TotalTokensWithChildren { get; init; }

    /// <summary>Cost of this session and every subagent session below it: what the whole task cost.</summary>
    public decimal CostWithChildren { get; init; }

    /// <summary>The OpenCode version that created the session.</summary>
    public string? Version { get; init; }

    /// <summary>The data directory (or database file, when one was given) the session was read from: what -DataPath takes.</summary>
    public string? DataPath { get; init; }

    public override string ToString() => Id;

    /// <summary>A copy for a new caller: a script may decorate what it got (Add-Member), and the next caller must not see that.</summary>
    internal Session Copy() => (Session)MemberwiseClone();
}
