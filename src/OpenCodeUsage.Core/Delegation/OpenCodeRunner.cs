using System.Diagnostics;
using System.Globalization;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegates tasks to the local OpenCode CLI: <c>opencode run --format json</c> in the task's directory, forking
/// the directory's warm session unless the task is fresh. The warm session is made on first use with
/// <c>run --title "OpenCodeUsage warm session"</c> (its short prompt on standard input) and replaced when OpenCode
/// no longer knows it. The CLI's generation (<see cref="OpenCodeVersion"/>) picks the flags. On 1.x the fork is made
/// and titled with the task's title by a private <c>opencode serve</c> (<see cref="ForkServer"/>), then continued
/// with <c>run --session &lt;fork&gt;</c>; on 2.x, and when that server cannot be had, <c>run --session &lt;warm&gt; --fork</c>
/// forks it and the fork keeps OpenCode's "(fork #N)" title.
/// </summary>
public sealed class OpenCodeRunner : IDelegateRunner
{
    private const string WarmPlaceholder = "<warm session>";
    private const string ForkPlaceholder = "<fork>";

    /// <summary>Without a task timeout, how long starting the private server, forking and titling may take.</summary>
    private static readonly TimeSpan ForkTimeout = TimeSpan.FromSeconds(90);
    private readonly string _program;
    private readonly DelegateOptions _options;
    private readonly WarmSessionStore _store;
    private OpenCodeVersion? _version;

    /// <param name="program">The OpenCode executable (see <see cref="OpenCodeExecutable.Find"/>).</param>
    public OpenCodeRunner(string program, DelegateOptions options)
    {
        _program = program;
        _options = options;
        _store = options.Store();
    }

    /// <summary>What the executable reports, asked once (and cached per file); OpenCodeVersionUnknown when it reports no version.</summary>
    public OpenCodeVersion Version => _version ??= OpenCodeVersion.Of(_program, _options.Environment);

    public string Describe(DelegateTask task)
    {
        // -WhatIf needs no executable; without one the 1.x command lines are shown, and said to be.
        var known = File.Exists(_program);
        var generation = known ? Version.Generation : CliGeneration.V1;
        var lines = new List<string>
        {
            $"In '{task.Directory}', the task '{task.Title}'" + (known
                ? $" (OpenCode {Version.Number}, the {(generation == CliGeneration.V1 ? "1.x" : "2.x")} command line):"
                : " (no OpenCode found: shown as for OpenCode 1.x):"),
        };
        string? warm = null;
        if (!task.Fresh)
        {
            warm = _store.Get(WarmSessionStore.KeyFor(task.Directory, null, task.Model));
            if (warm is null)
            {
                warm = WarmPlaceholder;
                lines.Add("  " + CommandLineText.Format(_program, OpenCodeArguments.ForWarmSession(task.Model, generation)) +
                          "   (the warm session, its short prompt on standard input)");
            }
        }

        const string onStdin = "   (the prompt on standard input)";
        if (warm is not null && generation == CliGeneration.V1)
        {
            lines.Add("  " + CommandLineText.Format(_program, OpenCodeArguments.ForForkServer()) +
                      $"   (private, for POST /session/{warm}/fork and PATCH /session/{ForkPlaceholder} with the task's title; ended after)");
            lines.Add("  " + CommandLineText.Format(_program, OpenCodeArguments.ForTask(task, ForkPlaceholder, false, generation)) + onStdin);
        }
        else
        {
            lines.Add("  " + CommandLineText.Format(_program, OpenCodeArguments.ForTask(task, warm, warm is not null, generation)) + onStdin);
        }

        return string.Join(System.Environment.NewLine, lines);
    }

    public async Task<DelegateResult> RunAsync(DelegateTask task, CancellationToken cancellationToken)
    {
        DelegateKillSwitch.ThrowIfDisabled(_options.Environment.Get);
        var generation = Version.Generation;
        // Before anything runs: a task 2.x cannot express fails here, not after a warm session was made for it.
        _ = OpenCodeArguments.ForTask(task, null, false, generation);
        var started = DateTimeOffset.Now;
        var clock = Stopwatch.StartNew();
        TimeSpan? Left() => task.Timeout - clock.Elapsed;

        if (task.Fresh)
        {
            return Result(task, null, await RunTaskAsync(task, null, false, generation, Left(), cancellationToken).ConfigureAwait(false), started, clock.Elapsed);
        }

        var key = WarmSessionStore.KeyFor(task.Directory, null, task.Model);
        string? gone = null;
        decimal? warmCost = null;
        while (true)
        {
            string warm;
            string? fork;
            try
            {
                warm = await _store.GetOrCreateAsync(key, gone, async () =>
                {
                    var (id, cost) = await CreateWarmAsync(task, generation, Left, cancellationToken).ConfigureAwait(false);
                    warmCost = (warmCost ?? 0) + cost;
                    return id;
                }, _options.Warn,
                    cancellationToken).ConfigureAwait(false);
                fork = generation == CliGeneration.V1 ? await ForkAsync(task, warm, Left(), cancellationToken).ConfigureAwait(false) : null;
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

            if (fork == string.Empty && gone is null)
            {
                _options.Log.Say($"The warm session {warm} of '{task.Directory}' no longer exists; making a new one.");
                gone = warm;
                continue;
            }

            var titled = fork is { Length: > 0 };
            var outcome = await RunTaskAsync(task, titled ? fork : warm, !titled, generation, Left(), cancellationToken).ConfigureAwait(false);
            if (!outcome.SessionNotFound || gone is not null)
            {
                return Result(task, warm, outcome, started, clock.Elapsed, warmCost: warmCost);
            }

            _options.Log.Say($"The warm session {warm} of '{task.Directory}' no longer exists; making a new one.");
            gone = warm;
        }
    }

    /// <summary>
    /// The warm session's fork, titled with the task's title, made by a private <c>opencode serve</c>; empty when the
    /// warm session no longer exists; null when no such server could be had (then <c>run --fork</c> forks it, untitled).
    /// </summary>
    private async Task<string?> ForkAsync(DelegateTask task, string warm, TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var limit = new CancellationTokenSource(timeLeft is { } left ? left > TimeSpan.Zero ? left : TimeSpan.Zero : ForkTimeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            await using var server = await ForkServer.StartAsync(_program, task.Directory, _options.Environment, _options.Log, timeLeft, either.Token)
                .ConfigureAwait(false);
            var fork = await server.ForkAsync(task, warm, _options.Warn, either.Token).ConfigureAwait(false);
            _options.Log.Say(fork is null
                ? $"The private opencode serve does not know the warm session {warm}."
                : $"Forked warm session {warm} as {fork}, titled '{task.Title}' ({clock.ElapsedMilliseconds} ms with the private opencode serve).");
            return fork ?? string.Empty;
        }
        catch (Server.ServerException ex)
        {
            _options.Warn($"The fork of {warm} keeps OpenCode's fork title: {ex.Message}");
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _options.Warn($"The fork of {warm} keeps OpenCode's fork title: the private opencode serve did not fork it in time.");
            return null;
        }
    }

    private Task<ProcessOutcome> RunTaskAsync(DelegateTask task, string? session, bool fork, CliGeneration generation, TimeSpan? timeLeft,
        CancellationToken cancellationToken)
    {
        var arguments = OpenCodeArguments.ForTask(task, session, fork, generation);
        var stdin = OpenCodeArguments.StandardInput(task.Prompt);
        _options.Log.Say($"In '{task.Directory}': {CommandLineText.Format(_program, arguments)}");
        return OpenCodeProcess.RunAsync(_program, arguments, task.Directory, stdin, _options.Environment, timeLeft, cancellationToken);
    }

    private async Task<(string Id, decimal Cost)> CreateWarmAsync(DelegateTask task, CliGeneration generation, Func<TimeSpan?> timeLeft,
        CancellationToken cancellationToken)
    {
        var arguments = OpenCodeArguments.ForWarmSession(task.Model, generation);
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
