namespace OpenCodeUsage.Activity;

/// <summary>Which events reach the pipeline: the -SessionId and -Project wildcards, and whether snippets are wanted.</summary>
public sealed class ActivityFilter
{
    /// <summary>Matched against the session id; null passes every session.</summary>
    public Func<string, bool>? Session { get; init; }

    /// <summary>Matched against the project's name, id and worktree (directory); null passes every project.</summary>
    public Func<string, bool>? Project { get; init; }

    /// <summary>Emit Text and Reasoning events with snippets.</summary>
    public bool IncludeText { get; init; }

    internal bool Passes(ActivityEvent e, string? directory) =>
        (Session is null || Session(e.SessionId))
        && (Project is null || new[] { e.ProjectName, e.ProjectId, directory }.Any(n => n is not null && Project(n)));
}
