namespace OpenCodeUsage.Usage;

/// <summary>What Get-OpenCodeUsage reports: which messages, grouped how, priced from where.</summary>
public sealed record UsageQuery
{
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>Grouping keys in order; empty means by day.</summary>
    public IReadOnlyList<UsageGrouping> GroupBy { get; init; } = [UsageGrouping.Day];

    /// <summary>One row over everything the filters select, ignoring <see cref="GroupBy"/>: the total row.</summary>
    public bool Overall { get; init; }

    /// <summary>Messages created at or after this instant.</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>Messages created before this instant.</summary>
    public DateTimeOffset? Before { get; init; }

    /// <summary>Where days, weeks and months are cut, and the zone of reported times.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    public TextFilter? SessionFilter { get; init; }

    /// <summary>The exact ids among the session filter's: each that names no session is reported as SessionNotFound.</summary>
    public IReadOnlyList<string> SessionIds { get; init; } = [];
    public TextFilter? ModelFilter { get; init; }
    public TextFilter? ProviderFilter { get; init; }

    /// <summary>Matched against the project's name, id and worktree.</summary>
    public TextFilter? ProjectFilter { get; init; }

    public TextFilter? AgentFilter { get; init; }

    /// <summary>With a session filter: also the subagent sessions the selected ones started, at any depth.</summary>
    public bool IncludeChildren { get; init; }

    /// <summary>Counts the copies a fork made of other sessions' messages, as OpenCode's own stats do.</summary>
    public bool IncludeForkCopies { get; init; }

    /// <summary>A models.json-shaped file or an OpenCode config to price from, instead of the user's catalogue.</summary>
    public string? PricingPath { get; init; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    public bool NoCache { get; init; }

    /// <summary>Where the read says what it read (stores, cache hits, rows), for -Verbose.</summary>
    [NotInKey]
    public ActivityLog Log { get; init; } = ActivityLog.None;

    /// <summary>
    /// Everything that shapes the answer, as text, from every property (see <see cref="QueryKey"/>): with it, an
    /// identical question over unchanged files is answered from memory.
    /// </summary>
    [NotInKey]
    public string Key => QueryKey.Of(this);
}
