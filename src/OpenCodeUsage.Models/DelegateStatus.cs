namespace OpenCodeUsage;

/// <summary>How a delegated OpenCode run ended.</summary>
public enum DelegateStatus
{
    Succeeded,

    /// <summary>OpenCode ran and reported a failure, or could not run; see FailureKind and Error.</summary>
    Failed,

    /// <summary>-TimeoutSec passed: the process tree was killed (or, with -Server, the session aborted).</summary>
    TimedOut,

    /// <summary>Stopped by Ctrl+C: the process tree was killed (or, with -Server, the session aborted).</summary>
    Cancelled,
}
