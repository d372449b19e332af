namespace OpenCodeUsage.Sessions;

/// <summary>Which sessions to return. Name filters are predicates so the caller can bring its own wildcard rules.</summary>
public sealed class SessionQuery
{
    /// <summary>Data dirs or database files; empty for OpenCode's default place.</summary>
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    public Func<string, bool>? IdFilter { get; init; }
    public Func<string, bool>? TitleFilter { get; init; }

    /// <summary>Matched against the project's name, its id and its worktree.</summary>
    public Func<string, bool>? ProjectFilter { get; init; }

    /// <summary>Sessions active at or after this time (last update).</summary>
    public DateTimeOffset? After { get; init; }

    /// <summary>Sessions started before this time.</summary>
    public DateTimeOffset? Before { get; init; }

    public bool RootOnly { get; init; }

    public int? First { get; init; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    public bool NoCache { get; init; }

    /// <summary>Where the read says what it read (stores, cache hits, rows), for -Verbose.</summary>
    public ActivityLog Log { get; init; } = ActivityLog.None;
}
