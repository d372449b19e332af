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

    public override string ToString() => Group;
}
