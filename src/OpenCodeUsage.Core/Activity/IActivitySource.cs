namespace OpenCodeUsage.Activity;

/// <summary>One store the watcher reads changes from: a database or a legacy storage folder.</summary>
internal interface IActivitySource
{
    /// <summary>The folder whose files change when the store does, and which of its files matter.</summary>
    (string Directory, Func<string, bool> Matters, bool Recursive) Notifications { get; }

    /// <summary>Reads the store as it is now, reporting nothing: later reads report what changed since.</summary>
    void Start();

    /// <summary>A cheap look (file sizes and times): might the store have changed? <paramref name="notified"/> says a notification came.</summary>
    bool MayHaveChanged(bool notified);

    /// <summary>
    /// Reads what changed since the last read, in one short read transaction. <paramref name="more"/> says a
    /// bounded read left rows for the next one.
    /// </summary>
    List<ActivityEvent> Read(DateTimeOffset now, out bool more);

    /// <summary>SessionIdle events due by <paramref name="now"/>.</summary>
    List<ActivityEvent> IdleDue(DateTimeOffset now);

    DateTimeOffset? NextIdleDue { get; }

    /// <summary>Reads done so far.</summary>
    long Reads { get; }

    /// <summary>The watch has ended: close anything kept open between reads.</summary>
    void Stop();
}
