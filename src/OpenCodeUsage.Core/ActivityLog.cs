namespace OpenCodeUsage;

/// <summary>
/// Where Core says what it is doing, for -Verbose (decisions, sources) and -Debug (each request). Core calls
/// back on the calling thread, and never with a secret: messages name sources, never values.
/// </summary>
public sealed class ActivityLog
{
    public static ActivityLog None { get; } = new();

    public Action<string>? Verbose { get; init; }

    public Action<string>? Debug { get; init; }

    internal void Say(string message) => Verbose?.Invoke(message);

    internal void Detail(string message) => Debug?.Invoke(message);
}
