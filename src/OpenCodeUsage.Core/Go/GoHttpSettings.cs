namespace OpenCodeUsage.Go;

/// <summary>Limits of one exchange with OpenCode: per-attempt timeout, retries, and the largest response read.</summary>
internal sealed record GoHttpSettings(TimeSpan Timeout, int MaxAttempts, TimeSpan FirstBackoff, TimeSpan LongestRetryAfter, int MaxResponseBytes)
{
    public static GoHttpSettings Default { get; } = new(TimeSpan.FromSeconds(10), 3, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 1 << 20);
}
