namespace OpenCodeUsage.Delegation;

/// <summary>A running <c>opencode serve</c> to delegate to, and how to authenticate to it.</summary>
public sealed class ServerOptions
{
    public required Uri BaseUri { get; init; }

    /// <summary>Basic-auth user; null for OPENCODE_SERVER_USERNAME, else "opencode" (as <c>opencode run --attach</c>).</summary>
    public string? UserName { get; init; }

    /// <summary>Basic-auth password; null for OPENCODE_SERVER_PASSWORD, else none. Never logged or shown.</summary>
    public string? Password { get; init; }

    /// <summary>How often the session's status is polled while the task runs.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most of one reply body that is read; null for the client's default (<c>ServerClient.DefaultMaxReplyBytes</c>, 64 MiB).</summary>
    public long? MaxReplyBytes { get; init; }
}
