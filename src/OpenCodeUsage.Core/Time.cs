namespace OpenCodeUsage;

internal static class Time
{
    /// <summary>OpenCode stores epoch milliseconds; users read local time.</summary>
    public static DateTimeOffset FromUnixMilliseconds(long milliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(milliseconds, -62135596800000L, 253402300799999L)).ToLocalTime();
}
