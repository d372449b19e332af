using System.Management.Automation;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Budgets;
using OpenCodeUsage.Commands.Budgets;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Server;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Watches budgets live: every step OpenCode writes re-evaluates them, and a budget that crosses a threshold
/// gives a BudgetAlert at once. At -ActOn (Exceeded by default) it can interrupt the session through
/// <c>opencode serve</c> and run a script block, each under ShouldProcess.
/// </summary>
[Cmdlet(VerbsCommon.Watch, "OpenCodeBudget", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(BudgetAlert))]
public sealed class WatchOpenCodeBudgetCommand : BudgetCmdlet
{
    /// <summary>The state from which the actions run: Warning, ForecastExceeded or Exceeded (the default).</summary>
    [Parameter]
    [ValidateSet(nameof(BudgetState.Warning), nameof(BudgetState.ForecastExceeded), nameof(BudgetState.Exceeded))]
    public BudgetState ActOn { get; set; } = BudgetState.Exceeded;

    /// <summary>Interrupt the session whose step crossed -ActOn (and the session that started it, for a subagent) through -Server.</summary>
    [Parameter]
    public SwitchParameter InterruptSession { get; set; }

    /// <summary>Stop the running Invoke-OpenCodeDelegate run (of any pwsh of this user) whose session, or subagent, made the step that crossed -ActOn.</summary>
    [Parameter]
    public SwitchParameter StopDelegation { get; set; }

    /// <summary>The `opencode serve` the sessions run in, for -InterruptSession.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? Server { get; set; }

    /// <summary>The server's password (OPENCODE_SERVER_PASSWORD); the user name is usually opencode.</summary>
    [Parameter]
    [Credential]
    [ValidateNotNull]
    public PSCredential? Credential { get; set; }

    /// <summary>Run at -ActOn with the alert as $_ (and as its first argument); its output is discarded.</summary>
    [Parameter]
    [ValidateNotNull]
    public ScriptBlock? Action { get; set; }

    /// <summary>How often files are checked where change notifications do not arrive. A number means seconds.</summary>
    [Parameter]
    [Seconds]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one reading of the Go quota serves before a step asks OpenCode again. A number means seconds.</summary>
    [Parameter]
    [Seconds]
    public TimeSpan GoRefresh { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Stop after this many alerts.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    private int _written;

    protected override void EndProcessing()
    {
        if (Budgets.Count == 0)
        {
            return;
        }

        if (InterruptSession && Server is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-InterruptSession needs -Server, the address of the `opencode serve` the sessions run in."),
                ServerErrors.UriInvalid, ErrorCategory.InvalidArgument, null));
        }

        if (PollInterval <= TimeSpan.Zero || GoRefresh <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-PollInterval and -GoRefresh must be longer than zero."), ErrorIds.IntervalInvalid, ErrorCategory.InvalidArgument, null));
        }

        var monitor = new BudgetMonitor(Evaluator(TimeProvider.System, GoRefresh), Budgets);
        var options = new ActivityOptions { DataPaths = ResolvePaths(DataPath), PollInterval = PollInterval, IdleAfter = Timeout.InfiniteTimeSpan };
        // The feed first: a step written while the budgets are first evaluated is then seen, not missed.
        var feed = Read((diagnostics, _) => ActivityFeed.Start(options, Environment, diagnostics));
        try
        {
            if (!Emit(Read((diagnostics, _) => monitor.Check(null, diagnostics, CancellationToken)), null))
            {
                feed.Dispose();
                return;
            }
        }
        catch
        {
            feed.Dispose();
            throw;
        }

        FeedLoop.Run(this, feed, TimeoutSec, CancellationToken, e =>
            e.Kind != ActivityKind.StepFinished || Emit(Read((diagnostics, _) => monitor.Check(e, diagnostics, CancellationToken)), e));
    }

    /// <summary>Acts on and writes each alert; false once -Count alerts are written.</summary>
    private bool Emit(IReadOnlyList<BudgetAlert> alerts, ActivityEvent? step)
    {
        foreach (var alert in alerts)
        {
            if (alert.Status != BudgetState.Unknown && alert.Status >= ActOn)
            {
                alert.Actions = Act(alert, step).ToArray();
            }

            WriteObject(alert);
            if (Count > 0 && ++_written >= Count)
            {
                return false;
            }
        }

        return true;
    }

    private IEnumerable<string> Act(BudgetAlert alert, ActivityEvent? step)
    {
        var done = new List<string>();
        if (StopDelegation && step is not null)
        {
            done.AddRange(StopDelegations(alert, step));
        }

        if (InterruptSession && step is not null)
        {
            // A subagent's step: its parent would start the next step, so both are stopped.
            foreach (var session in new[] { step.SessionId, step.ParentSessionId }.OfType<string>())
            {
                done.Add(Interrupt(alert, session));
            }
        }
        else if (InterruptSession)
        {
            done.Add("No session interrupted: the budget stood there when the watch began, before any step.");
        }

        if (Action is not null)
        {
            if (ShouldProcess($"budget '{alert.Name}' ({alert.Status})", "Run the -Action script block"))
            {
                // The pipeline thread is the runspace's: the script block runs here, with the alert as $_.
                Action.InvokeWithContext(null, [new PSVariable("_", alert)], alert);
                done.Add("Ran the -Action script block.");
            }
            else
            {
                done.Add("Did not run the -Action script block (-WhatIf or declined).");
            }
        }

        return done;
    }

    private IEnumerable<string> StopDelegations(BudgetAlert alert, ActivityEvent step)
    {
        var runs = RunningDelegations.List(Environment)
            .Where(d => d.SessionId is not null && (d.SessionId == step.SessionId || d.SessionId == step.ParentSessionId)).ToList();
        if (runs.Count == 0)
        {
            yield return $"No running delegation of ours made session {step.SessionId}'s step.";
        }

        foreach (var run in runs)
        {
            if (!ShouldProcess($"the delegation running OpenCode (process {run.ProcessId}) for session {run.SessionId} in '{run.Directory}'", $"Stop (budget '{alert.Name}' {alert.Status})"))
            {
                yield return $"Did not stop the delegation of session {run.SessionId} (-WhatIf or declined).";
                continue;
            }

            var stopped = RunningDelegations.Stop(Environment, d => d.File == run.File);
            yield return stopped.Count > 0
                ? $"Stopped the delegation of session {run.SessionId} (OpenCode process {run.ProcessId})."
                : $"The delegation of session {run.SessionId} had already ended.";
        }
    }

    private string Interrupt(BudgetAlert alert, string sessionId)
    {
        var where = OpenCodeUsage.Server.ServerAddressText.WithoutCredentials(Server!);
        if (!ShouldProcess($"session {sessionId} on {where}", $"Interrupt (budget '{alert.Name}' {alert.Status})"))
        {
            return $"Did not interrupt session {sessionId} (-WhatIf or declined).";
        }

        var narration = new System.Collections.Concurrent.ConcurrentQueue<string>();
        try
        {
            var sessions = Read((diagnostics, _) => SessionReader.Read(new SessionQuery { DataPaths = ResolvePaths(DataPath), IdFilter = id => id == sessionId },
                Environment, diagnostics, null, CancellationToken));
            // OpenCode 1.x keeps a session's running work per project directory: the abort must name the session's.
            var directory = sessions.Count > 0 ? sessions[0].Directory ?? CurrentDirectory : CurrentDirectory;
            // The client narrates from the thread pool after its first await: queued, written here on the pipeline thread.
            var route = SessionInterrupt.InterruptAsync(Server!, Credential?.GetNetworkCredential(), sessionId, directory, Environment,
                    new ActivityLog { Verbose = narration.Enqueue, Debug = narration.Enqueue }, CancellationToken)
                .GetAwaiter().GetResult();
            return $"Interrupted session {sessionId} on {where} ({route}).";
        }
        catch (OpenCodeUsageException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return $"Could not interrupt session {sessionId}: {ex.Message}";
        }
        finally
        {
            while (narration.TryDequeue(out var line))
            {
                WriteDebug(line);
            }
        }
    }
}
