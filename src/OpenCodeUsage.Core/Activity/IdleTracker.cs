namespace OpenCodeUsage.Activity;

/// <summary>
/// Which sessions are busy and which have gone idle. A session is busy from its first activity until
/// <c>idleAfter</c> passes without any (or until OpenCode itself says it is idle, with -Server); each idle
/// period is reported once. Times are passed in, so tests drive it with a fake clock.
/// </summary>
internal sealed class IdleTracker(TimeSpan idleAfter)
{
    private readonly Dictionary<string, DateTimeOffset> _busy = new(StringComparer.Ordinal);

    public TimeSpan IdleAfter => idleAfter;

    public int BusyCount => _busy.Count;

    /// <summary>Records activity; true when the session was not busy, so SessionBusy is due.</summary>
    public bool Touch(string sessionId, DateTimeOffset now)
    {
        var wasIdle = !_busy.ContainsKey(sessionId);
        _busy[sessionId] = now;
        return wasIdle;
    }

    /// <summary>OpenCode said the session is idle: true when it was busy, so SessionIdle is due (once).</summary>
    public bool MarkIdle(string sessionId) => _busy.Remove(sessionId);

    /// <summary>The sessions whose quiet time reached <c>idleAfter</c> by <paramref name="now"/>, each with the moment it did.</summary>
    public List<(string SessionId, DateTimeOffset IdleAt)> Due(DateTimeOffset now)
    {
        var due = new List<(string, DateTimeOffset)>();
        if (idleAfter == Timeout.InfiniteTimeSpan)
        {
            return due;
        }

        foreach (var (session, last) in _busy)
        {
            if (now - last >= idleAfter)
            {
                due.Add((session, last + idleAfter));
            }
        }

        foreach (var (session, _) in due)
        {
            _busy.Remove(session);
        }

        due.Sort((a, b) => a.Item2.CompareTo(b.Item2));
        return due;
    }

    /// <summary>When the next session goes idle if nothing happens; null when none is busy.</summary>
    public DateTimeOffset? NextDue()
    {
        if (idleAfter == Timeout.InfiniteTimeSpan || _busy.Count == 0)
        {
            return null;
        }

        return _busy.Values.Min() + idleAfter;
    }
}
