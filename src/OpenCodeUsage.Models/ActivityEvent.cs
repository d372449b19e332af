namespace OpenCodeUsage;

/// <summary>
/// One thing that happened in an OpenCode session, attributed to its session as OpenCode wrote it. Token and
/// cost properties are set on StepFinished events only; the Session* totals are the session's running totals
/// after that step (the history a fork copied from its source is not counted).
/// </summary>
public sealed class ActivityEvent
{
    /// <summary>When it happened (OpenCode's own timestamp where it has one), in local time.</summary>
    public DateTimeOffset Time { get; init; }

    public ActivityKind Kind { get; init; }

    public required string SessionId { get; init; }

    public string? SessionTitle { get; init; }

    /// <summary>The session that started this one as a subagent (the task tool), if any.</summary>
    public string? ParentSessionId { get; init; }

    public string? ProjectName { get; init; }

    public string? ProjectId { get; init; }

    public string? MessageId { get; init; }

    /// <summary>The part (OpenCode's finest grain: a step, a tool call, a text) the event comes from.</summary>
    public string? PartId { get; init; }

    public string? Agent { get; init; }

    public string? ProviderId { get; init; }

    public string? ModelId { get; init; }

    /// <summary>provider/model, as OpenCode's -m flag takes it.</summary>
    public string? Model => ModelId is null ? null : ProviderId is null ? ModelId : $"{ProviderId}/{ModelId}";

    /// <summary>The tool of a Tool* event (bash, edit, task, …).</summary>
    public string? Tool { get; init; }

    /// <summary>The tool call's id, which ToolStarted and ToolCompleted share.</summary>
    public string? CallId { get; init; }

    /// <summary>A short human description: the tool's title, the step's finish reason, a retry's message, a permission asked.</summary>
    public string? Detail { get; init; }

    /// <summary>The error's name or message, for failed messages and tools and session errors.</summary>
    public string? Error { get; init; }

    /// <summary>
    /// Why a message or session failed, classified as Invoke-OpenCodeDelegate's results are: AuthFailed (401, 403),
    /// RateLimited (429), QuotaExceeded, ProviderUnavailable (5xx, unreachable), ContextOverflow, Aborted, …;
    /// null for events that are no failure.
    /// </summary>
    public DelegateFailureKind? FailureKind { get; init; }

    /// <summary>A text or reasoning snippet (with -IncludeText only).</summary>
    public string? Text { get; init; }

    public long? InputTokens { get; init; }

    /// <summary>Output tokens without reasoning, in every OpenCode version.</summary>
    public long? OutputTokens { get; init; }

    public long? ReasoningTokens { get; init; }
    public long? CacheReadTokens { get; init; }
    public long? CacheWriteTokens { get; init; }

    /// <summary>All tokens of the step: input, output, reasoning and cache.</summary>
    public long? TotalTokens => InputTokens is null ? null
        : InputTokens + OutputTokens.GetValueOrDefault() + ReasoningTokens.GetValueOrDefault() + CacheReadTokens.GetValueOrDefault() + CacheWriteTokens.GetValueOrDefault();

    /// <summary>The step's cost in USD as OpenCode stored it.</summary>
    public decimal? Cost { get; init; }

    public long? SessionInputTokens { get; init; }
    public long? SessionOutputTokens { get; init; }
    public long? SessionReasoningTokens { get; init; }
    public long? SessionCacheReadTokens { get; init; }
    public long? SessionCacheWriteTokens { get; init; }

    public long? SessionTotalTokens => SessionInputTokens is null ? null
        : SessionInputTokens + SessionOutputTokens.GetValueOrDefault() + SessionReasoningTokens.GetValueOrDefault()
          + SessionCacheReadTokens.GetValueOrDefault() + SessionCacheWriteTokens.GetValueOrDefault();

    public decimal? SessionCost { get; init; }

    /// <summary>The OpenCode data directory the event was read from; empty with -Server.</summary>
    public string? DataPath { get; init; }

    /// <summary>The OpenCode server the event came from (-Server); empty otherwise.</summary>
    public string? Server { get; init; }

    public override string ToString() => $"{Kind} {SessionId}";
}
