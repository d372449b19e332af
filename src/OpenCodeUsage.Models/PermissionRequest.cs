namespace OpenCodeUsage;

/// <summary>A tool call waiting for someone to allow or deny it, as a running OpenCode server lists it.</summary>
public sealed class PermissionRequest
{
    public required string Id { get; init; }
    public required string SessionId { get; init; }

    /// <summary>What is asked for: the permission (1.x, e.g. bash, edit, task) or action (2.x).</summary>
    public string? Permission { get; init; }

    /// <summary>What it applies to: the command, paths or patterns (1.x patterns, 2.x resources).</summary>
    public string[] Patterns { get; init; } = [];

    /// <summary>The patterns an "always" answer would allow from now on (1.x always, 2.x save).</summary>
    public string[] Always { get; init; } = [];

    public string? MessageId { get; init; }
    public string? CallId { get; init; }

    /// <summary>The project directory the request belongs to (what the server was asked about), if given.</summary>
    public string? Directory { get; init; }

    /// <summary>The server that holds the request; the answering cmdlets take it from the pipeline.</summary>
    public required Uri Server { get; init; }

    /// <summary>"1.x" or "2.x": the server's API generation, as it answered.</summary>
    public required string ServerGeneration { get; init; }

    public override string ToString() => Id;
}
