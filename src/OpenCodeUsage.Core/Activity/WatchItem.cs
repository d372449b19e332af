namespace OpenCodeUsage.Activity;

/// <summary>What the watch hands the caller: an event, or something to tell the user. A Failure ends the watch.</summary>
public sealed class WatchItem
{
    private WatchItem()
    {
    }

    public ActivityEvent? Event { get; private init; }

    public string? Warning { get; private init; }

    public string? Verbose { get; private init; }

    /// <summary>The watch cannot go on (e.g. the server refused the credential).</summary>
    public OpenCodeUsageException? Failure { get; private init; }

    public static WatchItem Of(ActivityEvent e) => new() { Event = e };

    public static WatchItem Warn(string message) => new() { Warning = message };

    public static WatchItem Say(string message) => new() { Verbose = message };

    public static WatchItem Fail(OpenCodeUsageException failure) => new() { Failure = failure };
}
