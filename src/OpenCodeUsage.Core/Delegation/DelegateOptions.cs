namespace OpenCodeUsage.Delegation;

/// <summary>How delegated runs are made, shared by every task of one call.</summary>
public sealed class DelegateOptions
{
    /// <summary>The environment OpenCode runs with, and where the state file and kill switch are looked up.</summary>
    public DelegateEnvironment Environment { get; init; } = DelegateEnvironment.Inherited;

    /// <summary>The warm-session state file; null for <see cref="WarmSessionStore.DefaultPath"/> under <see cref="Environment"/>.</summary>
    public string? StateFile { get; init; }

    /// <summary>Decisions and requests; called from the task's thread, not the caller's.</summary>
    public ActivityLog Log { get; init; } = ActivityLog.None;

    /// <summary>OpenCode's own warnings (an unknown agent, …) and state-file trouble; called from the task's thread.</summary>
    public Action<string>? Warning { get; init; }

    internal WarmSessionStore Store() => new(StateFile ?? WarmSessionStore.DefaultPath(Environment.Get));

    internal void Warn(string message) => Warning?.Invoke(message);
}
