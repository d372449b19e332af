namespace OpenCodeUsage.Stats;

/// <summary>What the GNOME statistics file is computed from.</summary>
public sealed class StatsQuery
{
    public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>Where "today" is cut.</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    public DateTimeOffset Now { get; init; } = DateTimeOffset.Now;

    /// <summary>Quiet time after which the current session counts as idle.</summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The session the user works in now (from watched activity); else the one with the latest message.</summary>
    public string? CurrentSessionId { get; init; }

    /// <summary>The current session's last activity seen by a watch, when later than its last message.</summary>
    public DateTimeOffset? LastActivity { get; init; }

    /// <summary>A watch said the current session went idle (SessionIdle) and nothing happened since.</summary>
    public bool? IsIdle { get; init; }

    public bool NoCache { get; init; }
}
