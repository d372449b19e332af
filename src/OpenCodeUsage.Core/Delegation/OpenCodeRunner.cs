using System.Diagnostics;
using System.Globalization;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegates tasks to the local OpenCode CLI: <c>opencode run --format json</c> in the task's directory, forking
/// the directory's warm session unless the task is fresh. The warm session is made on first use with
/// <c>run --title "OpenCodeUsage warm session" -- &lt;short prompt&gt;</c> and replaced when OpenCode no longer knows it.
/// </summary>
public sealed class OpenCodeRunner : IDelegateRunner
{
    private const string WarmPlaceholder = "<warm session>";
    private readonly string _program;
    private readonly DelegateOptions _options;
    private readonly WarmSessionStore _store;

    /// <param name="program">The OpenCode executable (see <see cref="OpenCodeExecutable.Find"/>).</param>
    public OpenCodeRunner(string program, DelegateOptions options)
    {
        _program = program;
        _options = options;
        _store = options.Store();
    }

    public string Describe(DelegateTask task)
    {
        var lines = new List<string> { $"In '{task.Directory}':" };
        string? warm = null;
        if (!task.Fresh)
        {
            warm = _store.Get(WarmSessionStore.KeyFor(task.Directory, null, task.Model));
            if (warm is null)
            {
                warm = WarmPlaceholder;
                lines.Add("  " + CommandLineText.Format(_program, OpenCodeArguments.ForWarmSession(task.Model)));
            }
        }

        var run = CommandLineText.Format(_program, OpenCodeArguments.ForTask(task, warm));
        lines.Add("  " + run + "   (the prompt on standard input)");
        return string.Join(System.Environment.NewLine, lines);
    }

    public async Task<DelegateResult> RunAsync(DelegateTask task, CancellationToken cancellationToken)
    {
        DelegateKillSwitch.ThrowIfDisabled(_options.Environment.Get);
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        TimeSpan? Left() => task.Timeout - clock.Elapsed;

        if (task.Fresh)
        {
            return Result(task, null, await RunTaskAsync(task, null, Left(), cancellationToken).ConfigureAwait(false), started, clock.Elapsed);
        }

        var key = WarmSessionStore.KeyFor(task.Directory, null, task.Model);
        string? gone = null;
        decimal? warmCost = null;
        while (true)
        {
            string warm;
            try
            {
                warm = await _store.GetOrCreateAsync(key, gone, async () =>
                {
                    var (id, cost) = await CreateWarmAsync(task, Left, cancellationToken).ConfigureAwait(false);
                    warmCost = (warmCost ?? 0) + cost;
                    return id;
                }, _options.Warn,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (WarmSessionFailed failed)
            {
                return Result(task, null, failed.Outcome, started, clock.Elapsed, "The warm session could not be made: ");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                var none = new ProcessOutcome(new RunTranscript(), new RunLog(), null, false, true, null, clock.Elapsed);
                return Result(task, null, none, started, clock.Elapsed);
            }

            var outcome = await RunTaskAsync(task, warm, Left(), cancellationToken).ConfigureAwait(false);
            if (!outcome.SessionNotFound || gone is not null)
            {
                return Result(task, warm, outcome, started, clock.Elapsed, warmCost: warmCost);
            }

            _options.Log.Say($"The warm session {warm} of '{task.Directory}' no longer exists; making a new one.");
            gone = warm;
        }
    }

    private Task<ProcessOutcome> RunTaskAsync(DelegateTask task, string? forkOf, TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        var arguments = OpenCodeArguments.ForTask(task, forkOf);
        var stdin = OpenCodeArguments.StandardInput(task.Prompt);
        _options.Log.Say($"In '{task.Directory}': {CommandLineText.Format(_program, arguments)}");
        return OpenCodeProcess.RunAsync(_program, arguments, task.Directory, stdin, _options.Environment, timeLeft, cancellationToken);
    }

    private async Task<(string Id, decimal Cost)> CreateWarmAsync(DelegateTask task, Func<TimeSpan?> timeLeft, CancellationToken cancellationToken)
    {
        var arguments = OpenCodeArguments.ForWarmSession(task.Model);
        _options.Log.Say($"Making the warm session of '{task.Directory}': {CommandLineText.Format(_program, arguments)}");
        var outcome = await OpenCodeProcess.RunAsync(_program, arguments, task.Directory,
                OpenCodeArguments.StandardInput(OpenCodeArguments.WarmPrompt), _options.Environment, timeLeft(), cancellationToken)
            .ConfigureAwait(false);
        var (status, _, _) = OutcomeClassifier.Classify(outcome);
        if (status != DelegateStatus.Succeeded || outcome.Events.SessionId is not { } id)
        {
            throw new WarmSessionFailed(outcome);
        }

        var cost = outcome.Events.Usage.Cost;
        _options.Log.Say(string.Create(CultureInfo.InvariantCulture,
            $"Made warm session {id} for '{task.Directory}' ({outcome.Events.Usage.Total} tokens, ${outcome.Events.Usage.Cost:0.######})."));
        return (id, cost);
    }

    /// <param name="errorPrefix">Set when the warm session failed: the task never ran, so it has no session, answer or usage.</param>
    private DelegateResult Result(DelegateTask task, string? forkOf, ProcessOutcome outcome, DateTimeOffset started, TimeSpan elapsed,
        string? errorPrefix = null, decimal? warmCost = null)
    {
        var (status, kind, error) = OutcomeClassifier.Classify(outcome);
        foreach (var warning in outcome.Log.Warnings)
        {
            _options.Warn("OpenCode: " + warning);
        }

        var ran = errorPrefix is null;
        var sessionId = ran ? outcome.Events.SessionId ?? outcome.Log.CreatedSession : null;
        var used = sessionId is null ? null : outcome.Log.ModelOf(sessionId);
        var asked = task.SplitModel();
        var usage = ran ? outcome.Events.Usage : default;
        return new DelegateResult
        {
            SessionId = sessionId,
            ForkedFrom = forkOf,
            Directory = task.Directory,
            ProviderId = used?.Provider ?? asked?.ProviderId,
            ModelId = used?.Model ?? asked?.ModelId,
            Variant = task.Variant,
            Agent = used?.Agent ?? task.Agent,
            Prompt = task.Prompt,
            Text = ran ? outcome.Events.Text : null,
            Status = status,
            FailureKind = kind,
            Error = error is null ? null : errorPrefix + error,
            Steps = usage.Steps,
            InputTokens = usage.Input,
            OutputTokens = usage.Output,
            ReasoningTokens = usage.Reasoning,
            CacheReadTokens = usage.CacheRead,
            CacheWriteTokens = usage.CacheWrite,
            TotalTokens = usage.Total,
            Cost = usage.Cost,
            WarmSessionCost = warmCost,
            Started = started,
            Duration = elapsed,
            ExitCode = outcome.ExitCode,
        };
    }

    /// <summary>Making the warm session failed; the task never ran.</summary>
    private sealed class WarmSessionFailed(ProcessOutcome outcome) : Exception("The warm session could not be made.")
    {
        public ProcessOutcome Outcome { get; } = outcome;
    }
}
