namespace OpenCodeUsage.Storage;

/// <summary>A project as OpenCode recorded it (database row or legacy JSON file).</summary>
internal sealed class ProjectRecord
{
    public required string Id { get; init; }
    public string? Worktree { get; init; }
    public string? Name { get; init; }

    /// <summary>OpenCode's name for the project, else the worktree's last folder; "global" for non-git directories.</summary>
    public string DisplayName
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(Name))
            {
                return Name;
            }

            if (Id == "global" || string.IsNullOrEmpty(Worktree) || Worktree == "/")
            {
                return Id == "global" ? "global" : Id;
            }

            return PathLeaf(Worktree);
        }
    }

    internal static string PathLeaf(string path)
    {
        var trimmed = path.TrimEnd('/', '\\');
        var cut = trimmed.LastIndexOfAny(['/', '\\']);
        return cut >= 0 ? trimmed[(cut + 1)..] : trimmed;
    }
}

/// <summary>A session row with the columns every OpenCode version has, plus the optional ones.</summary>
internal sealed record SessionRecord
{
    public required string Id { get; init; }
    public string? ProjectId { get; init; }
    public string? ParentId { get; init; }
    public string? Title { get; init; }
    public string? Directory { get; init; }
    public string? Version { get; init; }
    public string? Agent { get; init; }
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }
    public long Created { get; init; }
    public long Updated { get; init; }
    public long? Archived { get; init; }

    /// <summary>2.x: the session a fork was made from (<c>fork_session_id</c>); its rows created before it are copies.</summary>
    public string? ForkSessionId { get; init; }

    /// <summary>2.x: when the session last went idle, and how (<c>time_idle</c>, <c>idle_outcome</c>).</summary>
    public long? Idle { get; init; }

    public string? IdleOutcome { get; init; }

    /// <summary>2.x: OpenCode's own totals of the session (<c>session_v2</c>), which include usage no row carries.</summary>
    public SessionTotals? V2Totals { get; init; }

    /// <summary>The store this session was read from; a session present in several stores is read from one only.</summary>
    public required StoreRef Store { get; init; }
}

/// <summary>
/// Identifies one store: a database file or a legacy storage folder, within a data dir. DataDirectory is what
/// reads it again as a data path: the data dir, or the database file when that was given.
/// </summary>
internal sealed record StoreRef(string DataDirectory, string Path, bool IsLegacyJson, int Rank);

/// <summary>A session row's own usage columns (cost, tokens_*) and when 2.x last updated it, as OpenCode 2.x keeps them.</summary>
internal readonly record struct SessionTotals(double Cost, long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, long Updated);
