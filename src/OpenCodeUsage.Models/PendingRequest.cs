namespace OpenCodeUsage;

/// <summary>What a running OpenCode server is waiting on: a permission request or a question of one session.</summary>
public abstract class PendingRequest
{
    public required string Id { get; init; }
    public required string SessionId { get; init; }

    /// <summary>The message and tool call that asked.</summary>
    public string? MessageId { get; init; }

    public string? CallId { get; init; }

    /// <summary>The project directory the request was listed for (what the server was asked about), if given.</summary>
    public string? Directory { get; init; }

    /// <summary>The server that holds the request; the answering cmdlets take it from the pipeline.</summary>
    public required Uri Server { get; init; }

    /// <summary>"1.x" or "2.x": the server's API generation, as it answered.</summary>
    public required string ServerGeneration { get; init; }

    public override string ToString() => Id;
}
