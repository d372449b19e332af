namespace OpenCodeUsage;

/// <summary>
/// Usage of one group of assistant messages (a day, a model, a session, or a combination). Properties of
/// the groupings not asked for are empty.
/// </summary>
public sealed record UsageSummary
{
    /// <summary>The group's keys joined, e.g. "2026-11-27 · mock/mock-fast", for tables.</summary>
    public required string Group { get; init; }

    /// <summary>The day (midnight, in the report's time zone) when grouped by Day.</summary>
    public DateTime? Date { get; init; }

    /// <summary>The ISO 8601 week, e.g. 2026-W48, when grouped by Week.</summary>
    public string? Week { get; init; }

    /// <summary>The month, e.g. 2026-11, when grouped by Month.</summary>
    public string? Month { get; init; }

    public string? SessionId { get; init; }
    public string? Title { get; init; }
    public string? Project { get; init; }
    public string? ProjectId { get; init; }
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }
    public string? Agent { get; init; }

    /// <summary>Sessions with at least one counted message in the group.</summary>
    public int Sessions { get; init; }

    /// <summary>Assistant messages (billed model calls) counted.</summary>
    public int Messages { get; init; }

    public long InputTokens { get; init; }

    /// <summary>Output tokens without reasoning, in every OpenCode version.</summary>
    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long TotalTokens { get; init; }

    /// <summary>Cost in USD as OpenCode stored it.</summary>
    public decimal Cost { get; init; }

    /// <summary>Cost recomputed from the model catalogue's prices; empty when a model of the group has no price.</summary>
    public decimal? EstimatedCost { get; init; }

    /// <summary>The total row of <c>Get-OpenCodeUsage -Total</c>: every counted message, whatever the grouping.</summary>
    public bool IsTotal { get; init; }

    /// <summary>The <see cref="Group"/> of the total row.</summary>
    public const string TotalGroup = "Total";

    /// <summary>The provider/model pairs used, comma-separated.</summary>
    public string? Models { get; init; }

    /// <summary>
    /// Cache read ÷ all input, where all input = input + cache read + cache write (OpenCode's input excludes the
    /// cache, so this is the share of the prompt served from the cache), 0 to 1; empty when there was no input.
    /// </summary>
    public double? CacheHitRate { get; init; }

    /// <summary>
    /// The summed time of the group's messages from creation to completion (time.created to time.completed): the
    /// model's answer time, with time to first token and a step's tool runs; empty when no message was completed.
    /// </summary>
    public TimeSpan? GenerationTime { get; init; }

    /// <summary>
    /// (Output + reasoning tokens) ÷ <see cref="GenerationTime"/> in seconds, over the messages with a completion
    /// time: both kinds of token are generated in that time. A lower bound of the model's decoding speed.
    /// </summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>The cache-hit rate of these token counts, or null when there was no input at all.</summary>
    public static double? CacheHitRateOf(long input, long cacheRead, long cacheWrite) =>
        input + cacheRead + cacheWrite is var all and > 0 ? (double)cacheRead / all : null;

    /// <summary>Generated tokens per second, or null when no time was measured.</summary>
    public static double? TokensPerSecondOf(long generatedTokens, long milliseconds) =>
        milliseconds > 0 ? generatedTokens * 1000.0 / milliseconds : null;

    public override string ToString() => Group;
}
