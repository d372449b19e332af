using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegation over OpenCode 2.x <c>opencode serve</c> (every route under /api, by session id; the shapes of the v2 SDK,
/// @opencode-ai/sdk 1.19.3 dist/v2/gen): POST /api/session <c>{agent?, model?: {id, providerID, variant?}, location: {directory}}</c>,
/// POST /api/session/:id/prompt <c>{prompt: {text}}</c>, POST /api/session/:id/model and /agent for a fork, GET /api/session/active
/// (running sessions; absent means idle), GET /api/session/:id/permission and /question with POST …/permission/:rid/reply
/// <c>{reply: "reject"}</c> and …/question/:rid/reject, POST /api/session/:id/interrupt, GET /api/session/:id/message
/// (paged by cursor) and GET /api/session/:id (the session's own totals). Two routes are not in that SDK and come from
/// later 2.x servers: POST /api/session/:id/fork <c>{}</c> and PATCH /api/session/:id <c>{title}</c>; a server without the
/// fork route (the 2.0 preview) gets every task in a new session. POST /api/session/:id/wait is not used: it returns only
/// once the session is idle, and a session waiting on a permission request never is until someone rejects it.
/// </summary>
internal sealed class V2SessionApi(ServerClient client) : ServerSessionApi(client)
{
    /// <summary>A session id no server holds: forking it tells whether the route exists without forking anything.</summary>
    private const string ProbeSession = "ses_00000000000000000000000000";

    private const int PageSize = 200;

    private bool? _canFork;

    public override string Generation => "2.x";

    public override string Stopped => "Interrupted";

    public override string Describe(DelegateTask task, string? warm)
    {
        const string Fork = "POST /api/session/{0}/fork and PATCH /api/session/<id> (its title; where the server has no fork route, POST /api/session instead)";
        var session = task.Fresh
            ? "POST /api/session"
            : warm is null
                ? "POST /api/session (the warm session, titled '" + OpenCodeArguments.WarmTitle + "') and POST /api/session/<warm>/prompt, GET /api/session/active until it is idle; then " +
                  string.Format(System.Globalization.CultureInfo.InvariantCulture, Fork, "<warm>")
                : string.Format(System.Globalization.CultureInfo.InvariantCulture, Fork, warm);
        return $"{session}; then POST /api/session/<id>/prompt{Settings(task)}; GET /api/session/active until it is idle; GET /api/session/<id>/message and GET /api/session/<id>";
    }

    public override string? Unsupported(DelegateTask task) =>
        task.Variant is not null && task.Model is null
            ? $"Variant '{task.Variant}' is not sent: a 2.x server takes a variant only with its model (ModelRef {{id, providerID, variant}}); give -Model too."
            : null;

    public override async Task<string> CreateAsync(DelegateTask task, string title, bool forWarm, CancellationToken token)
    {
        var body = new JsonObject { ["location"] = new JsonObject { ["directory"] = task.Directory } };
        if (Model(forWarm ? task with { Variant = null } : task) is { } model)
        {
            body["model"] = model;
        }

        if (!forWarm && task.Agent is not null)
        {
            body["agent"] = task.Agent;
        }

        body["title"] = title; // later 2.x servers take it; the preview ignores it
        var reply = await Client.SendAsync(HttpMethod.Post, "api/session", null, body, token).ConfigureAwait(false);
        return IdOf(ServerClient.Expect(reply, "Creating a session")?["data"]);
    }

    /// <summary>Forks a session that does not exist, once: a typed error (SessionNotFoundError) means the route is there, a bare 404 that it is not.</summary>
    public override async Task<bool> CanForkAsync(CancellationToken token)
    {
        if (_canFork is { } known)
        {
            return known;
        }

        var reply = await Client.SendAsync(HttpMethod.Post, $"api/session/{ProbeSession}/fork", null, new JsonObject(), token).ConfigureAwait(false);
        return (_canFork = reply.Ok || reply.Body is JsonObject o && o["_tag"] is not null).Value;
    }

    public override async Task<string> ForkAsync(DelegateTask task, string warm, CancellationToken token)
    {
        var reply = await Client.SendAsync(HttpMethod.Post, $"api/session/{Escape(warm)}/fork", null, new JsonObject(), token).ConfigureAwait(false);
        return IdOf(ServerClient.Expect(reply, $"Forking the warm session {warm}")?["data"]);
    }

    /// <summary>The prompt carries no model or agent in 2.x: a fork takes the task's variant and agent through the session's own routes.</summary>
    public override async Task PrepareForkAsync(DelegateTask task, string session, Action<string> warn, CancellationToken token)
    {
        var titled = await Client.SendAsync(HttpMethod.Patch, $"api/session/{Escape(session)}", null, new JsonObject { ["title"] = task.Title }, token).ConfigureAwait(false);
        if (!titled.Ok)
        {
            warn($"Session {session} keeps its fork title: the server answered {(int)titled.Status} to PATCH /api/session/{session}.");
        }

        if (task.Variant is not null && Model(task) is { } model)
        {
            var switched = await Client.SendAsync(HttpMethod.Post, $"api/session/{Escape(session)}/model", null, new JsonObject { ["model"] = model }, token).ConfigureAwait(false);
            ServerClient.Expect(switched, "Setting the session's model variant");
        }

        if (task.Agent is not null)
        {
            var switched = await Client.SendAsync(HttpMethod.Post, $"api/session/{Escape(session)}/agent", null, new JsonObject { ["agent"] = task.Agent }, token).ConfigureAwait(false);
            ServerClient.Expect(switched, "Setting the session's agent");
        }
    }

    public override async Task PromptAsync(DelegateTask task, string session, string text, CancellationToken token)
    {
        var sent = await Client.SendAsync(HttpMethod.Post, $"api/session/{Escape(session)}/prompt", null,
            new JsonObject { ["prompt"] = new JsonObject { ["text"] = text } }, token).ConfigureAwait(false);
        ServerClient.Expect(sent, "Sending the prompt");
    }

    public override async Task<decimal?> WarmUpAsync(DelegateTask task, string session, Func<Task> waitIdle, CancellationToken token)
    {
        await PromptAsync(task, session, OpenCodeArguments.WarmPrompt, token).ConfigureAwait(false);
        await waitIdle().ConfigureAwait(false);
        var messages = await MessagesAsync(task, session, token).ConfigureAwait(false);
        if (messages.LastOrDefault(m => m.IsAssistant && m.Error is not null) is { Error: { } failed })
        {
            throw new ServerException(failed.Kind, "The warm session could not be made: " + failed.Message);
        }

        if (await TotalsAsync(task, session, token).ConfigureAwait(false) is { } totals)
        {
            return totals.Cost;
        }

        var usage = default(StepUsage);
        foreach (var step in messages.Where(m => m.IsAssistant))
        {
            usage.Add(step.Tokens, step.Cost, outputExcludesReasoning: true);
        }

        return usage.Cost;
    }

    public override async Task<(bool Busy, string? Retry)> StatusAsync(DelegateTask task, string session, CancellationToken token)
    {
        var active = ServerClient.Expect(await Client.SendAsync(HttpMethod.Get, "api/session/active", null, null, token).ConfigureAwait(false), "Reading active sessions");
        return (active?["data"]?[session] is not null, null); // SessionActive: {type: "running"}
    }

    public override async Task<IReadOnlyList<PendingAsk>?> PendingAsync(DelegateTask task, string session, CancellationToken token)
    {
        var asks = new List<PendingAsk>();
        foreach (var (list, isQuestion) in new[] { ("permission", false), ("question", true) })
        {
            var pending = await Client.SendAsync(HttpMethod.Get, $"api/session/{Escape(session)}/{list}", null, null, token).ConfigureAwait(false);
            if (!pending.Ok)
            {
                return null;
            }

            asks.AddRange((pending.Body?["data"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => ServerMessage.Text(r, "id") is not null && (ServerMessage.Text(r, "sessionID") ?? session) == session)
                .Select(r => new PendingAsk(ServerMessage.Text(r, "id")!, isQuestion,
                    isQuestion ? RejectedRequests.Question : ServerMessage.Text(r, "action") ?? "unknown")));
        }

        return asks;
    }

    public override async Task RejectAsync(DelegateTask task, string session, PendingAsk ask, CancellationToken token)
    {
        var (path, body) = ask.IsQuestion
            ? ($"api/session/{Escape(session)}/question/{Escape(ask.Id)}/reject", null)
            : ($"api/session/{Escape(session)}/permission/{Escape(ask.Id)}/reply", new JsonObject { ["reply"] = "reject" });
        await Client.SendAsync(HttpMethod.Post, path, null, body, token).ConfigureAwait(false);
    }

    public override async Task StopAsync(DelegateTask task, string session, CancellationToken token) =>
        ServerClient.Expect(await Client.SendAsync(HttpMethod.Post, $"api/session/{Escape(session)}/interrupt", null, null, token).ConfigureAwait(false),
            $"Interrupting session {session}");

    /// <summary>Every page, oldest first: the first with order=asc, the next ones by their cursor, until a page is empty or has no next.</summary>
    public override async Task<IReadOnlyList<ServerMessage>> MessagesAsync(DelegateTask task, string session, CancellationToken token)
    {
        var messages = new List<ServerMessage>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var path = $"api/session/{Escape(session)}/message?order=asc&limit={PageSize}";
        while (true)
        {
            var page = ServerClient.Expect(await Client.SendAsync(HttpMethod.Get, path, null, null, token).ConfigureAwait(false), "Reading the session's messages");
            var rows = (page?["data"] as JsonArray ?? []).OfType<JsonObject>().Select(ServerMessage.FromV2).ToList();
            messages.AddRange(rows);
            if (rows.Count == 0 || page?["cursor"]?["next"] is not JsonValue next || !next.TryGetValue<string>(out var cursor) || !seen.Add(cursor))
            {
                return messages;
            }

            path = $"api/session/{Escape(session)}/message?cursor={Uri.EscapeDataString(cursor)}&limit={PageSize}";
        }
    }

    /// <summary>
    /// SessionV2Info's cost and tokens: every step plus what no row carries (title generation, compaction). A fork's start at
    /// zero, so they are the task's own. The preview never fills them: all zero reads as none.
    /// </summary>
    public override async Task<StepUsage?> TotalsAsync(DelegateTask task, string session, CancellationToken token)
    {
        var info = ServerClient.Expect(await Client.SendAsync(HttpMethod.Get, $"api/session/{Escape(session)}", null, null, token).ConfigureAwait(false), "Reading the session")?["data"];
        var tokens = info?["tokens"] is { } t ? JsonSerializer.SerializeToElement(t) : default;
        var cost = info?["cost"] is { } c ? JsonSerializer.SerializeToElement(c) : default;
        var totals = default(StepUsage);
        totals.Add(tokens, cost, outputExcludesReasoning: true);
        return totals.Total == 0 && totals.Cost == 0 ? null : totals;
    }

    /// <summary>A ModelRef: <c>{id, providerID, variant?}</c>.</summary>
    private static JsonObject? Model(DelegateTask task)
    {
        if (task.SplitModel() is not var (provider, model))
        {
            return null;
        }

        var reference = new JsonObject { ["id"] = model, ["providerID"] = provider };
        if (task.Variant is not null)
        {
            reference["variant"] = task.Variant;
        }

        return reference;
    }
}
