using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegates tasks to a running 1.x <c>opencode serve</c> (a 2.x one, told by <see cref="ServerClient.IdentifyAsync"/>, is refused): fork the directory's warm session (POST /session/:id/fork)
/// or make a new one (POST /session), send the prompt (POST /session/:id/prompt_async), poll GET /session/status
/// until the session is idle, then read the new messages (GET /session/:id/message). Permission requests and
/// questions of the session are rejected, as <c>opencode run</c> does; on timeout or Ctrl+C the session is
/// aborted (POST /session/:id/abort).
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
    private bool _canReject = true;

    public ServerDelegate(ServerOptions server, DelegateOptions options)
    {
        _server = server;
        _options = options;
        _client = new ServerClient(server.BaseUri, server.UserName, server.Password, options.Environment.Get, options.Log);
        _store = options.Store();
    }

    public Uri BaseUri => _client.BaseUri;

    public string Describe(DelegateTask task)
    {
        var warm = task.Fresh ? null : _store.Get(WarmSessionStore.KeyFor(task.Directory, BaseUri, task.Model));
        var session = task.Fresh
            ? "POST /session"
            : warm is null
                ? "POST /session (the warm session, titled '" + OpenCodeArguments.WarmTitle + "') and POST /session/<warm>/message; then POST /session/<warm>/fork"
                : $"POST /session/{warm}/fork";
        var settings = string.Join(", ", new[] { ("model", task.Model), ("variant", task.Variant), ("agent", task.Agent) }
            .Where(s => s.Item2 is not null).Select(s => $"{s.Item1} {s.Item2}"));
        // The task's title, as the CLI path shows it: the whole prompt could run to megabytes.
        return $"On the OpenCode server {BaseUri} in '{task.Directory}', the task '{task.Title}': {session}; then POST /session/<id>/prompt_async" +
               (settings.Length > 0 ? $" ({settings})" : string.Empty) + " with the prompt";
    }

    public async Task<DelegateResult> RunAsync(DelegateTask task, CancellationToken cancellationToken)
    {
        DelegateKillSwitch.ThrowIfDisabled(_options.Environment.Get);
        var run = new ServerRun { Started = DateTimeOffset.Now, Clock = Stopwatch.StartNew() };
        using var deadline = task.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await EnsureGenerationAsync(either.Token).ConfigureAwait(false);
            await OpenSessionAsync(task, run, either.Token).ConfigureAwait(false);
            var sent = await _client.SendAsync(HttpMethod.Post, $"session/{run.SessionId}/prompt_async", task.Directory,
                PromptBody(task, task.Prompt), either.Token).ConfigureAwait(false);
            ServerClient.Expect(sent, "Sending the prompt");
            await WaitUntilIdleAsync(task, run, either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            run.Cancelled = cancellationToken.IsCancellationRequested;
            run.TimedOut = !run.Cancelled;
            if (run.SessionId is not null)
            {
                await AbortAsync(task, run.SessionId).ConfigureAwait(false);
            }
        }
        catch (ServerException ex)
        {
            run.Failure = ex;
        }

        if (run.SessionId is not null && run.Failure is null)
        {
            await CollectAsync(task, run).ConfigureAwait(false);
        }

        return run.ToResult(task, BaseUri);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Stops at a 2.x server: its routes live under /api with other shapes, and 1.x routes there would fail unclearly.</summary>
    private async Task EnsureGenerationAsync(CancellationToken token)
    {
        var identity = await _client.IdentifyAsync(token).ConfigureAwait(false);
        if (identity.Generation == ServerGeneration.V2)
        {
            throw new OpenCodeUsageException(ServerErrors.GenerationUnsupported, FailureKind.InvalidArgument,
                $"'{_client.Display}' is an OpenCode 2.x server{(identity.Version is { } v ? $" ({v})" : string.Empty)}; -Server delegates to OpenCode 1.x servers (`opencode serve` 1.x) only. " +
                "Run the task without -Server, with an OpenCode CLI, instead.", _client.Display);
        }
    }

    private async Task OpenSessionAsync(DelegateTask task, ServerRun run, CancellationToken token)
    {
        if (task.Fresh)
        {
            run.SessionId = await CreateSessionAsync(task, task.Title, token).ConfigureAwait(false);
            return;
        }

        var key = WarmSessionStore.KeyFor(task.Directory, BaseUri, task.Model);
        string? gone = null;
        while (true)
        {
            var warm = await _store.GetOrCreateAsync(key, gone, () => CreateWarmAsync(task, token), _options.Warn, token).ConfigureAwait(false);
            var reply = await _client.SendAsync(HttpMethod.Post, $"session/{warm}/fork", task.Directory, new JsonObject(), token).ConfigureAwait(false);
            try
            {
                run.SessionId = IdOf(ServerClient.Expect(reply, $"Forking the warm session {warm}"));
                run.ForkedFrom = warm;
            }
            catch (ServerException ex) when (ex.Kind == DelegateFailureKind.SessionNotFound && gone is null)
            {
                _options.Log.Say($"The warm session {warm} of '{task.Directory}' no longer exists on {BaseUri}; making a new one.");
                gone = warm;
                continue;
            }

            // The fork's copies of the warm history are not this task's work.
            run.Before = (await ReadMessagesAsync(task, run.SessionId, token).ConfigureAwait(false))
                .Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
            _options.Log.Say($"Forked warm session {warm} as {run.SessionId}.");
            await TitleAsync(task, run.SessionId, token).ConfigureAwait(false);
            return;
        }
    }

    /// <summary>A fork is titled after its source ("… (fork #1)"); it gets its task's title instead (PATCH /session/:id, OpenCode's session.update).</summary>
    private async Task TitleAsync(DelegateTask task, string sessionId, CancellationToken token)
    {
        var reply = await _client.SendAsync(HttpMethod.Patch, $"session/{sessionId}", task.Directory, new JsonObject { ["title"] = task.Title }, token).ConfigureAwait(false);
        if (!reply.Ok)
        {
            _options.Warn($"Session {sessionId} keeps its fork title: the server answered {(int)reply.Status} to PATCH /session/{sessionId}.");
        }
    }

    private async Task<string> CreateSessionAsync(DelegateTask task, string? title, CancellationToken token)
    {
        var body = new JsonObject { ["permission"] = RunRules() };
        if (title is not null)
        {
            body["title"] = title;
        }

        var reply = await _client.SendAsync(HttpMethod.Post, "session", task.Directory, body, token).ConfigureAwait(false);
        return IdOf(ServerClient.Expect(reply, "Creating a session"));
    }

    private async Task<string> CreateWarmAsync(DelegateTask task, CancellationToken token)
    {
        var id = await CreateSessionAsync(task, OpenCodeArguments.WarmTitle, token).ConfigureAwait(false);
        try
        {
            // This call blocks until OpenCode has answered: the warm session is complete before anything forks it.
            var reply = await _client.SendAsync(HttpMethod.Post, $"session/{id}/message", task.Directory,
                PromptBody(task with { Agent = null, Variant = null }, OpenCodeArguments.WarmPrompt), token).ConfigureAwait(false);
            if (ServerClient.Expect(reply, "Making the warm session")?["info"]?["error"] is JsonObject error)
            {
                var failure = EventError.From(JsonSerializer.SerializeToElement(error));
                throw new ServerException(failure.Kind, "The warm session could not be made: " + failure.Message);
            }
        }
        catch (OperationCanceledException)
        {
            await AbortAsync(task, id).ConfigureAwait(false);
            throw;
        }

        _options.Log.Say($"Made warm session {id} for '{task.Directory}' on {BaseUri}.");
        return id;
    }

    /// <summary>Polls until the session has gone busy and back to idle (or finished before the first poll saw it busy).</summary>
    private async Task WaitUntilIdleAsync(DelegateTask task, ServerRun run, CancellationToken token)
    {
        var sent = Stopwatch.StartNew();
        var seenBusy = false;
        while (true)
        {
            await Task.Delay(_server.PollInterval, token).ConfigureAwait(false);
            var statuses = ServerClient.Expect(await _client.SendAsync(HttpMethod.Get, "session/status", task.Directory, null, token).ConfigureAwait(false), "Reading session status");
            if (statuses?[run.SessionId!] is JsonObject status && Text(status, "type") is { } type && type != "idle")
            {
                seenBusy = true;
                if (type == "retry" && Text(status, "message") is { } retry)
                {
                    run.LastRetry = retry;
                }

                await RejectPendingAsync(task, run.SessionId!, token).ConfigureAwait(false);
                continue;
            }

            if (seenBusy || sent.Elapsed > StartGrace)
            {
                return;
            }

            var messages = await ReadMessagesAsync(task, run.SessionId!, token).ConfigureAwait(false);
            if (messages.Any(m => !run.Before.Contains(m.Id) && m.IsAssistant && (m.Completed || m.Error is not null)))
            {
                return;
            }
        }
    }

    /// <summary>Nobody answers a delegated session's permission requests or questions: reject them as <c>opencode run</c> does.</summary>
    private async Task RejectPendingAsync(DelegateTask task, string sessionId, CancellationToken token)
    {
        if (!_canReject)
        {
            return;
        }

        foreach (var (list, reply, body) in new[]
                 {
                     ("permission", "permission/{0}/reply", (JsonNode?)new JsonObject { ["reply"] = "reject" }),
                     ("question", "question/{0}/reject", null),
                 })
        {
            var pending = await _client.SendAsync(HttpMethod.Get, list, task.Directory, null, token).ConfigureAwait(false);
            if (!pending.Ok)
            {
                _canReject = false; // an older server without these endpoints
                return;
            }

            foreach (var request in (pending.Body as JsonArray ?? []).OfType<JsonObject>().Where(r => Text(r, "sessionID") == sessionId))
            {
                if (Text(request, "id") is not { } id)
                {
                    continue;
                }

                _options.Warn($"OpenCode asked for a {list} in session {sessionId} ({Text(request, "permission") ?? id}); rejected, as opencode run does.");
                await _client.SendAsync(HttpMethod.Post, string.Format(System.Globalization.CultureInfo.InvariantCulture, reply, id), task.Directory,
                    body?.DeepClone() ?? new JsonObject(), token).ConfigureAwait(false);
            }
        }
    }

    private async Task AbortAsync(DelegateTask task, string sessionId)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            await _client.SendAsync(HttpMethod.Post, $"session/{sessionId}/abort", task.Directory, new JsonObject(), cleanup.Token).ConfigureAwait(false);
            _options.Log.Say($"Aborted session {sessionId}.");
        }
        catch (Exception ex) when (ex is ServerException or OperationCanceledException)
        {
            _options.Warn($"Session {sessionId} could not be aborted on {BaseUri}: {ex.Message}");
        }
    }

    /// <summary>Reads the session's messages after the run: only those that were not there before belong to the task.</summary>
    private async Task CollectAsync(DelegateTask task, ServerRun run)
    {
        using var cleanup = new CancellationTokenSource(CleanupTimeout);
        try
        {
            run.Messages = (await ReadMessagesAsync(task, run.SessionId!, cleanup.Token).ConfigureAwait(false))
                .Where(m => !run.Before.Contains(m.Id)).ToList();
        }
        catch (Exception ex) when (ex is ServerException or OperationCanceledException)
        {
            run.Failure ??= ex as ServerException ?? new ServerException(DelegateFailureKind.ServerUnavailable, "The session's messages could not be read in time.");
        }
    }

    private async Task<IReadOnlyList<ServerMessage>> ReadMessagesAsync(DelegateTask task, string sessionId, CancellationToken token)
    {
        var reply = await _client.SendAsync(HttpMethod.Get, $"session/{sessionId}/message", task.Directory, null, token).ConfigureAwait(false);
        return (ServerClient.Expect(reply, "Reading the session's messages") as JsonArray ?? []).OfType<JsonObject>().Select(ServerMessage.From).ToList();
    }

    private static JsonObject PromptBody(DelegateTask task, string text)
    {
        var body = new JsonObject();
        if (task.SplitModel() is var (provider, model))
        {
            body["model"] = new JsonObject { ["providerID"] = provider, ["modelID"] = model };
        }

        if (task.Agent is not null)
        {
            body["agent"] = task.Agent;
        }

        if (task.Variant is not null)
        {
            body["variant"] = task.Variant;
        }

        body["parts"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text });
        return body;
    }

    /// <summary>The rules <c>opencode run</c> gives its sessions: nobody is there to answer questions, edits are allowed.</summary>
    private static JsonArray RunRules() => new(
        Rule("question", "deny"), Rule("plan_enter", "deny"), Rule("plan_exit", "deny"), Rule("edit", "allow"));

    private static JsonObject Rule(string permission, string action) =>
        new() { ["permission"] = permission, ["action"] = action, ["pattern"] = "*" };

    private static string IdOf(JsonNode? session) =>
        session is JsonObject o && Text(o, "id") is { } id
            ? id
            : throw new ServerException(DelegateFailureKind.Unknown, "The OpenCode server answered without a session id.");

    internal static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
}
