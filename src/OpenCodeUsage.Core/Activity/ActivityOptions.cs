using System.Net;

namespace OpenCodeUsage.Activity;

/// <summary>What Watch-OpenCodeActivity watches and how.</summary>
public sealed class ActivityOptions
{
    /// <summary>Data dirs or database files; empty for the default data dir. Not used with <see cref="Server"/>.</summary>
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>A running <c>opencode serve</c> to follow through its event stream instead of the database.</summary>
    public Uri? Server { get; init; }

    /// <summary>The server's Basic-auth credential; the user name defaults to "opencode".</summary>
    public NetworkCredential? Credential { get; init; }

    public ActivityFilter Filter { get; init; } = new();

    /// <summary>Quiet time after which a session is reported idle (database mode); Timeout.InfiniteTimeSpan never.</summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How often files are looked at when change notifications do not arrive (network shares, WSL paths).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Use file-system change notifications (on by default; polling always runs beside them).</summary>
    public bool UseNotifications { get; init; } = true;

    /// <summary>The longest wait between two reconnection attempts to a server.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
