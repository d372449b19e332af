namespace OpenCodeUsage.Bench.Generator;

/// <summary>A project: a git worktree (id = a root commit hash) or OpenCode's "global" one.</summary>
internal sealed class ProjectInfo(string id, string worktree, bool isGit, long created)
{
    public string Id { get; } = id;
    public string Worktree { get; } = worktree;
    public bool IsGit { get; } = isGit;
    public long Created { get; } = created;
    public long Updated { get; set; } = created;

    /// <summary>Where sessions of this project run: the worktree, or the home folder for "global".</summary>
    public string Directory => IsGit ? Worktree : "/home/dev";
}

/// <summary>A message kept for copying into a fork, with exactly the data and parts it was written with.</summary>
internal sealed record RecordedMessage(
    string Id, bool IsUser, string Data, long Created, string? ParentId, Usage Usage, decimal Cost, List<string> Parts);

/// <summary>Everything that changes while one session is written.</summary>
internal sealed class SessionState
{
    public required string Id { get; init; }
    public required SessionKind Kind { get; init; }
    public required ProjectInfo Project { get; init; }
    public string? ParentId { get; init; }
    public required string Slug { get; init; }
    public required string Title { get; init; }
    public required string Agent { get; init; }
    public string? Permission { get; init; }
    public required long Created { get; init; }
    public required ModelInfo Model { get; set; }

    /// <summary>The time of the latest thing written; the next one comes after it.</summary>
    public long Clock { get; set; }

    /// <summary>The sequence number of the session's latest event (-1: none yet).</summary>
    public long EventSeq { get; set; } = -1;

    public int TurnsWritten { get; set; }
    public Totals Totals { get; } = new();

    /// <summary>Prompt tokens already in the provider's cache (the conversation so far).</summary>
    public long Context { get; set; }

    /// <summary>Prompt tokens added since the last model call: the user's text, tool results, the last answer.</summary>
    public long Pending { get; set; }

    /// <summary>The git snapshot OpenCode takes at each step; changes after edits.</summary>
    public required string Snapshot { get; set; }

    /// <summary>Messages in writing order, kept only for a session that will be forked.</summary>
    public List<RecordedMessage>? Recorded { get; init; }

    public string ModelJson => $"{{\"id\":{Json.Quote(Model.Model)},\"providerID\":{Json.Quote(Model.Provider)},\"variant\":\"default\"}}";
}
