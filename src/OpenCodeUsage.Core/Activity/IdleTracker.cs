namespace OpenCodeUsage.Activity;

/// <summary>
/// Which sessions are busy and which have gone idle. A session is busy from its first activity until
/// <c>idleAfter</c> passes without any (or until OpenCode itself says it is idle, with -Server); each idle
/// period is reported once. A session with a reply still streaming is busy however long it is quiet: OpenCode
/// writes nothing to the database while it streams, so quiet time alone would call it idle mid-reply.
/// Times are passed in, so tests drive it with a fake clock.
/// </summary>
internal sealed class IdleTracker(TimeSpan idleAfter)
{
    private readonly Dictionary<string, DateTimeOffset> _busy = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _streaming = new(StringComparer.Ordinal);

    /// <summary>A reply (1.x assistant message, 2.x step) began: the session is not idle until it ends.</summary>
    public void ReplyStarted(string sessionId, string messageId)
    {
        if (!_streaming.TryGetValue(sessionId, out var open))
        {
            _streaming[sessionId] = open = new HashSet<string>(StringComparer.Ordinal);
        }

        open.Add(messageId);
    }

    /// <summary>The reply ended (completed or failed).</summary>
    public void ReplyEnded(string sessionId, string messageId)
    {
        if (_streaming.TryGetValue(sessionId, out var open) && open.Remove(messageId) && open.Count == 0)
        {
            _streaming.Remove(sessionId);
        }
    }

    /// <summary>Whether a reply of the session is still streaming.</summary>
    public bool IsStreaming(string sessionId) => _streaming.ContainsKey(sessionId);

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
    public bool MarkIdle(string sessionId)
    {
        _streaming.Remove(sessionId); // OpenCode's word (with -Server) is final
        return _busy.Remove(sessionId);
    }

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
            if (now - last >= idleAfter && !_streaming.ContainsKey(session))
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

        var quiet = _busy.Where(b => !_streaming.ContainsKey(b.Key)).Select(b => b.Value).ToList();
        return quiet.Count == 0 ? null : quiet.Min() + idleAfter;
    }
}
