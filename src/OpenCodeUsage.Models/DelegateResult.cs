namespace OpenCodeUsage;

/// <summary>
/// One task handed to OpenCode by Invoke-OpenCodeDelegate: the session it ran in, its final answer, how it
/// ended and what the new work cost (the history a fork copied is never counted: it was not billed again).
/// </summary>
public sealed class DelegateResult
{
    /// <summary>The session the task ran in; empty when OpenCode never got as far as making one.</summary>
    public string? SessionId { get; init; }

    /// <summary>The warm session this task's session was forked from; empty for a -Fresh run.</summary>
    public string? ForkedFrom { get; init; }

    /// <summary>The project directory OpenCode ran in.</summary>
    public required string Directory { get; init; }

    /// <summary>The OpenCode server that ran the task (-Server); empty for a local run.</summary>
    public Uri? Server { get; init; }

    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }

    /// <summary>provider/model, as OpenCode's -m flag takes it.</summary>
    public string? Model => ModelId is null ? null : ProviderId is null ? ModelId : $"{ProviderId}/{ModelId}";

    public string? Variant { get; init; }
    public string? Agent { get; init; }

    /// <summary>The prompt sent, without the directive lines.</summary>
    public string? Prompt { get; init; }

    /// <summary>The final answer: the text of the last reply that had text.</summary>
    public string? Text { get; init; }

    public DelegateStatus Status { get; init; }
    public DelegateFailureKind FailureKind { get; init; }

    /// <summary>What went wrong, in OpenCode's or the provider's words; empty on success.</summary>
    public string? Error { get; init; }

    /// <summary>Model calls (OpenCode steps) the task made in its own session.</summary>
    public int Steps { get; init; }

    public long InputTokens { get; init; }

    /// <summary>Output tokens without reasoning.</summary>
    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long TotalTokens { get; init; }

    /// <summary>Cost in USD of the task's own steps as OpenCode priced them; subagent sessions are not included.</summary>
    public decimal Cost { get; init; }

    /// <summary>
    /// Cost in USD of making the warm session this run forked, on the one result whose call made it; null when
    /// the warm session already existed (or none was used). Not part of <see cref="Cost"/>.
    /// </summary>
    public decimal? WarmSessionCost { get; init; }

    public DateTimeOffset Started { get; init; }
    public TimeSpan Duration { get; init; }

    /// <summary>OpenCode's exit code (after a kill, what the OS reports); empty with -Server.</summary>
    public int? ExitCode { get; init; }

    public override string ToString() => SessionId ?? Status.ToString();
}
