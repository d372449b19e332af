namespace OpenCodeUsage;

/// <summary>A tool call waiting for someone to allow or deny it, as a running OpenCode server lists it.</summary>
public sealed class PermissionRequest : PendingRequest
{
    /// <summary>What is asked for: the permission (1.x, e.g. bash, edit, task) or action (2.x).</summary>
    public string? Permission { get; init; }

    /// <summary>What it applies to: the command, paths or patterns (1.x patterns, 2.x resources).</summary>
    public string[] Patterns { get; init; } = [];

    /// <summary>The patterns an "always" answer would allow from now on (1.x always, 2.x save).</summary>
    public string[] Always { get; init; } = [];
}
