namespace OpenCodeUsage;

/// <summary>
/// What one tool did in a group of assistant messages: its calls, how many failed, the time they ran and the
/// output they returned into the context. Properties of the groupings not asked for are empty.
/// </summary>
public sealed record ToolUsage
{
    /// <summary>The tool and the group's keys joined, e.g. "bash · 2026-11-27", for tables.</summary>
    public required string Group { get; init; }

    /// <summary>The tool's name as OpenCode records it (bash, read, edit, task, subagent, an MCP tool…).</summary>
    public required string Tool { get; init; }

    public DateTime? Date { get; init; }
    public string? Week { get; init; }
    public string? Month { get; init; }
    public string? SessionId { get; init; }
    public string? Title { get; init; }
    public string? Project { get; init; }
    public string? ProjectId { get; init; }
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }
    public string? Agent { get; init; }

    /// <summary>Tool calls, whatever their state.</summary>
    public int Calls { get; init; }

    /// <summary>Calls whose state is error (a failed run, a denied permission, an aborted call).</summary>
    public int Failures { get; init; }

    /// <summary>Calls still pending or running when read (an interrupted session leaves them so).</summary>
    public int Unfinished { get; init; }

    /// <summary>Failures ÷ calls, 0 to 1.</summary>
    public double FailureRate => Calls == 0 ? 0 : (double)Failures / Calls;

    /// <summary>
    /// Summed run time of the calls that have both ends: 1.x state.time.start to state.time.end; 2.x time.ran (or
    /// time.created) to time.completed.
    /// </summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The run time of the average timed call.</summary>
    public TimeSpan AverageDuration { get; init; }

    /// <summary>
    /// UTF-8 bytes of the output the calls returned to the model (1.x state.output; 2.x the text items of
    /// state.content): what the tool added to the context.
    /// </summary>
    public long OutputBytes { get; init; }

    /// <summary>Sessions with at least one counted call in the group.</summary>
    public int Sessions { get; init; }

    public override string ToString() => Group;
}
