using System.Diagnostics;
using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// A running delegation (the real OpenCode CLI, the mock LLM streaming a slow reply) is listed with its session
/// in the state directory, owner-only, and another caller (a budget watch) can stop it by that session.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LiveStopDelegationTests(DelegateSandbox live)
{
    [SkippableFact]
    public async Task A_running_delegation_is_listed_with_its_session_and_stopped_by_it()
    {
        var sandbox = await live.GetAsync();
        var environment = DelegateSandbox.Environment(sandbox);
        var runner = DelegateSandbox.Runner(sandbox);
        var clock = Stopwatch.StartNew();
        var running = runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "SLOW_REPLY stop this delegation midway", fresh: true), CancellationToken.None);

        RunningDelegation? entry = null;
        while (entry is null && clock.Elapsed < TimeSpan.FromSeconds(60) && !running.IsCompleted)
        {
            await Task.Delay(100);
            entry = RunningDelegations.List(environment.Get).FirstOrDefault(d => d.SessionId is not null);
        }

        Assert.NotNull(entry);
        Assert.Equal(sandbox.ProjectDirectory("alpha"), entry.Directory);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry.File));
        }

        // Another session's step stops nothing; this one's stops the run.
        Assert.Empty(RunningDelegations.Stop(environment.Get, d => d.SessionId == "ses_someone_else"));
        var stopped = Assert.Single(RunningDelegations.Stop(environment.Get, d => d.SessionId == entry.SessionId));
        var result = await running;
        Assert.Equal(entry.ProcessId, stopped.ProcessId);
        Assert.NotEqual(DelegateStatus.Succeeded, result.Status);
        Assert.Equal(entry.SessionId, result.SessionId);
        Assert.Empty(RunningDelegations.List(environment.Get));
        Assert.False(File.Exists(entry.File));
    }
}
