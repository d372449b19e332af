using System.Diagnostics;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegates tasks to a running <c>opencode serve</c>, 1.x or 2.x as <see cref="ServerClient.IdentifyAsync"/> tells, through the
/// routes of that generation (<see cref="ServerSessionApi"/>): fork the directory's warm session (or make a new one), give it
/// the task's title, send the prompt, poll until the session is idle, then read the new messages and the usage. Permission
/// requests and questions of the session are rejected, as <c>opencode run</c> does, and the run fails with PermissionDenied
/// or QuestionUnanswered; on timeout or Ctrl+C the session is stopped (1.x abort, 2.x interrupt).
/// </summary>
public sealed class ServerDelegate : IDelegateRunner, IDisposable
{
    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a session may stay idle after the prompt was accepted before the run counts as never started.</summary>
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(10);

    private readonly DelegateOptions _options;
    private readonly ServerOptions _server;
    private readonly ServerClient _client;
    private readonly WarmSessionStore _store;
    private readonly SemaphoreSlim _identifying = new(1, 1);
    private ServerSessionApi? _api;
    private bool _canReject = true;
    private bool _saidNoFork;

    public ServerDelegate(ServerOptions server, DelegateOptions options)
    {
        _server = server;
        _options = options;
        _client = new ServerClient(server.BaseUri, server.UserName, server.Password, options.Environment.Get, options.Log)
        {
            MaxReplyBytes = server.MaxReplyBytes ?? ServerClient.DefaultMaxReplyBytes,
        };
        _store = options.Store();
    }

    public Uri BaseUri => _client.BaseUri;

    /// <summary>Asks the server's generation (GET /global/health, GET /api/health: nothing is started) to name the routes it would use.</summary>
    public string Describe(DelegateTask task)
    {
        var warm = task.Fresh ? null : _store.Get(WarmSessionStore.KeyFor(task.Directory, BaseUri, task.Model));
        string routes;
        try
        {
            using var timeout = new CancellationTokenSource(CleanupTimeout);
            var api = ApiAsync(timeout.Token).GetAwaiter().GetResult();
            routes = $"OpenCode {api.Generation}: {api.Describe(task, warm)}";
        }
        catch (Exception ex) when (ex is ServerException or OperationCanceledException)
        {
            routes = $"(its generation is unknown: {ex.Message}) as OpenCode 1.x: {new V1SessionApi(_client).Describe(task, warm)}";
        }

        // The task's title, as the CLI path shows it: the whole prompt could run to megabytes.
        return $"On the OpenCode server {BaseUri} in '{task.Directory}', the task '{task.Title}': {routes} with the prompt";
    }

    public async Task<DelegateResult> RunAsync(DelegateTask task, CancellationToken cancellationToken)
    {
        DelegateKillSwitch.ThrowIfDisabled(_options.Environment.Get);
        var run = new ServerRun { Started = DateTimeOffset.Now, Clock = Stopwatch.StartNew() };
        using var deadline = task.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        ServerSessionApi? api = null;
        try
        {
            api = await ApiAsync(either.Token).ConfigureAwait(false);
            run.StoppedAs = api.Stopped.ToLowerInvariant();
            if (api.Unsupported(task) is { } unsupported)
            {
                _options.Warn(unsupported);
            }

            await OpenSessionAsync(api, task, run, either.Token).ConfigureAwait(false);
            await api.PromptAsync(task, run.SessionId!, task.Prompt, either.Token).ConfigureAwait(false);
            await WaitUntilIdleAsync(api, task, run, run.SessionId!, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            run.Cancelled = cancellationToken.IsCancellationRequested;
            run.TimedOut = !run.Cancelled;
            if (run.SessionId is not null && api is not null)
            {
                await StopAsync(api, task, run.SessionId).ConfigureAwait(false);
            }
        }
        catch (ServerException ex)
        {
            run.Failure = ex;
        }

        if (run.SessionId is not null && run.Failure is null && api is not null)
        {
            await CollectAsync(api, task, run).ConfigureAwait(false);
        }

        return run.ToResult(task, BaseUri);
    }

    public void Dispose()
    {
        _client.Dispose();
        _identifying.Dispose();
    }

    /// <summary>The routes of the server's generation, asked once for every task of the call.</summary>
    private async Task<ServerSessionApi> ApiAsync(CancellationToken token)
    {
        if (_api is { } known)
        {
            return known;
        }

        await _identifying.WaitAsync(token).ConfigureAwait(false);
        try
        {
            return _api ??= ServerSessionApi.For(await _client.IdentifyAsync(token).ConfigureAwait(false), _client);
        }
        finally
        {
            _identifying.Release();
        }
    }

    private async Task OpenSessionAsync(ServerSessionApi api, DelegateTask task, ServerRun run, CancellationToken token)
    {
        if (!task.Fresh && !await api.CanForkAsync(token).ConfigureAwait(false))
        {
            if (!_saidNoFork)
            {
                _saidNoFork = true;
                _options.Warn($"The OpenCode {api.Generation} server {BaseUri} has no route to fork sessions: each task runs in a new session, without the warm session's shared start.");
            }

            task = task with { Fresh = true };
        }

        if (task.Fresh)
        {
            run.SessionId = await api.CreateAsync(task, task.Title, forWarm: false, token).ConfigureAwait(false);
            return;
        }

        var key = WarmSessionStore.KeyFor(task.Directory, BaseUri, task.Model);
        string? gone = null;
        while (true)
        {
            var warm = await _store.GetOrCreateAsync(key, gone, async () =>
            {
                var (id, cost) = await CreateWarmAsync(api, task, token).ConfigureAwait(false);
                run.WarmSessionCost = (run.WarmSessionCost ?? 0) + (cost ?? 0);
                return id;
            }, _options.Warn, token).ConfigureAwait(false);
            try
            {
                run.SessionId = await api.ForkAsync(task, warm, token).ConfigureAwait(false);
                run.ForkedFrom = warm;
            }
            catch (ServerException ex) when (ex.Kind == DelegateFailureKind.SessionNotFound && gone is null)
            {
                _options.Log.Say($"The warm session {warm} of '{task.Directory}' no longer exists on {BaseUri}; making a new one.");
                gone = warm;
                continue;
            }

            // The fork's copies of the warm history are not this task's work.
            run.Before = (await api.MessagesAsync(task, run.SessionId, token).ConfigureAwait(false))
                .Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            _options.Log.Say($"Forked warm session {warm} as {run.SessionId}.");
            await api.PrepareForkAsync(task, run.SessionId, _options.Warn, token).ConfigureAwait(false);
            return;
        }
    }

    private async Task<(string Id, decimal? Cost)> CreateWarmAsync(ServerSessionApi api, DelegateTask task, CancellationToken token)
    {
        var warmTask = task with { Agent = null, Variant = null };
        var run = new ServerRun { Started = DateTimeOffset.Now, Clock = Stopwatch.StartNew() }; // what the warm-up rejects is not the task's
        var id = await api.CreateAsync(warmTask, OpenCodeArguments.WarmTitle, forWarm: true, token).ConfigureAwait(false);
        decimal? cost;
        try
        {
            cost = await api.WarmUpAsync(warmTask, id, () => WaitUntilIdleAsync(api, warmTask, run, id, token), token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync(api, task, id).ConfigureAwait(false);
            throw;
        }

        _options.Log.Say($"Made warm session {id} for '{task.Directory}' on {BaseUri}.");
        return (id, cost);
    }

    /// <summary>Polls until the session has gone busy and back to idle (or finished before the first poll saw it busy).</summary>
    private async Task WaitUntilIdleAsync(ServerSessionApi api, DelegateTask task, ServerRun run, string sessionId, CancellationToken token)
    {
        var sent = Stopwatch.StartNew();
        var seenBusy = false;
        while (true)
        {
            await Task.Delay(_server.PollInterval, token).ConfigureAwait(false);
            var (busy, retry) = await api.StatusAsync(task, sessionId, token).ConfigureAwait(false);
            if (busy)
            {
                seenBusy = true;
                run.LastRetry = retry ?? run.LastRetry;
                await RejectPendingAsync(api, task, run, sessionId, token).ConfigureAwait(false);
                continue;
            }

            if (seenBusy || sent.Elapsed > StartGrace)
            {
                return;
            }

            var messages = await api.MessagesAsync(task, sessionId, token).ConfigureAwait(false);
            if (messages.Any(m => !run.Before.Contains(m.Id) && m.IsAssistant && (m.Completed || m.Error is not null)))
            {
                return;
            }
        }
    }

    /// <summary>Nobody answers a delegated session's permission requests or questions: reject them as <c>opencode run</c> does.</summary>
    private async Task RejectPendingAsync(ServerSessionApi api, DelegateTask task, ServerRun run, string sessionId, CancellationToken token)
    {
        if (!_canReject)
        {
            return;
        }

        if (await api.PendingAsync(task, sessionId, token).ConfigureAwait(false) is not { } pending)
        {
            _canReject = false; // an older server without these endpoints
            return;
        }

        foreach (var ask in pending)
        {
            _options.Warn($"OpenCode asked for a {(ask.IsQuestion ? "question" : "permission")} in session {sessionId} ({(ask.IsQuestion ? ask.Id : ask.What)}); rejected, as opencode run does.");
            await api.RejectAsync(task, sessionId, ask, token).ConfigureAwait(false);
            run.Rejected.Add(ask.What);
        }
    }

    private async Task StopAsync(ServerSessionApi api, DelegateTask task, string sessionId)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await api.StopAsync(task, sessionId, cleanup.Token).ConfigureAwait(false);
            _options.Log.Say($"{api.Stopped} session {sessionId}.");
        }
        catch (Exception ex) when (ex is ServerException or OperationCanceledException)
        {
            _options.Warn($"Session {sessionId} could not be stopped on {BaseUri}: {ex.Message}");
        }
    }

    /// <summary>Reads the session's messages after the run: only those that were not there before belong to the task.</summary>
    private static async Task CollectAsync(ServerSessionApi api, DelegateTask task, ServerRun run)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            run.Messages = (await api.MessagesAsync(task, run.SessionId!, cleanup.Token).ConfigureAwait(false))
                .Where(m => !run.Before.Contains(m.Id)).ToList();
            run.Totals = await api.TotalsAsync(task, run.SessionId!, cleanup.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ServerException or OperationCanceledException)
        {
            run.Failure ??= ex as ServerException ?? new ServerException(DelegateFailureKind.ServerUnavailable, "The session's messages could not be read in time.");
        }
    }
}
