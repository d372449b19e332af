namespace OpenCodeUsage.Delegation;

/// <summary>Runs delegated tasks one way or another: the local CLI (<see cref="OpenCodeRunner"/>) or a server (<see cref="ServerDelegate"/>).</summary>
public interface IDelegateRunner
{
    /// <summary>What <see cref="RunAsync"/> would do, exactly, for -WhatIf. Starts nothing and writes nothing.</summary>
    string Describe(DelegateTask task);

    /// <summary>
    /// Runs the task. A run that fails, times out or is cancelled is a result with that status, never an
    /// exception; only a disabled delegation (DelegateDisabled) throws.
    /// </summary>
    Task<DelegateResult> RunAsync(DelegateTask task, CancellationToken cancellationToken);
}
