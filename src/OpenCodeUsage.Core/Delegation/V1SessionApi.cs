using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Delegation over OpenCode 1.x <c>opencode serve</c>, every route for a project <c>?directory=</c>: POST /session
/// (with <c>opencode run</c>'s permission rules), POST /session/:id/fork and PATCH /session/:id (its title),
/// POST /session/:id/prompt_async (POST /session/:id/message, which blocks, for the warm session), GET /session/status,
/// GET /permission and /question with POST /permission/:id/reply and /question/:id/reject, POST /session/:id/abort,
/// GET /session/:id/message.
/// </summary>
internal sealed class V1SessionApi(ServerClient client) : ServerSessionApi(client)
{
    public override string Generation => "1.x";

    public override string Stopped => "Aborted";

    public override string Describe(DelegateTask task, string? warm)
    {
        var session = task.Fresh
            ? "POST /session"
            : warm is null
                ? "POST /session (the warm session, titled '" + OpenCodeArguments.WarmTitle + "') and POST /session/<warm>/message; then POST /session/<warm>/fork"
                : $"POST /session/{warm}/fork";
        return $"{session}; then POST /session/<id>/prompt_async{Settings(task)}";
    }

    public override async Task<string> CreateAsync(DelegateTask task, string title, bool forWarm, CancellationToken token)
    {
        var body = new JsonObject { ["permission"] = RunRules(), ["title"] = title };
        var reply = await Client.SendAsync(HttpMethod.Post, "session", task.Directory, body, token).ConfigureAwait(false);
        return IdOf(ServerClient.Expect(reply, "Creating a session"));
    }

    public override async Task<string> ForkAsync(DelegateTask task, string warm, CancellationToken token)
    {
        var reply = await Client.SendAsync(HttpMethod.Post, $"session/{Escape(warm)}/fork", task.Directory, new JsonObject(), token).ConfigureAwait(false);
        return IdOf(ServerClient.Expect(reply, $"Forking the warm session {warm}"));
    }

    /// <summary>A fork is titled after its source ("… (fork #1)"); it gets its task's title instead (PATCH /session/:id, OpenCode's session.update).</summary>
    public override async Task PrepareForkAsync(DelegateTask task, string session, Action<string> warn, CancellationToken token)
    {
        var reply = await Client.SendAsync(HttpMethod.Patch, $"session/{Escape(session)}", task.Directory, new JsonObject { ["title"] = task.Title }, token).ConfigureAwait(false);
        if (!reply.Ok)
        {
            warn($"Session {session} keeps its fork title: the server answered {(int)reply.Status} to PATCH /session/{session}.");
        }
    }

    public override async Task PromptAsync(DelegateTask task, string session, string text, CancellationToken token)
    {
        var sent = await Client.SendAsync(HttpMethod.Post, $"session/{Escape(session)}/prompt_async", task.Directory, PromptBody(task, text), token).ConfigureAwait(false);
        ServerClient.Expect(sent, "Sending the prompt");
    }

    /// <summary>POST /session/:id/message blocks until OpenCode has answered: the warm session is complete before anything forks it.</summary>
    public override async Task<decimal?> WarmUpAsync(DelegateTask task, string session, Func<Task> waitIdle, CancellationToken token)
    {
        var reply = await Client.SendAsync(HttpMethod.Post, $"session/{Escape(session)}/message", task.Directory,
            PromptBody(task with { Agent = null, Variant = null }, OpenCodeArguments.WarmPrompt), token).ConfigureAwait(false);
        var info = ServerClient.Expect(reply, "Making the warm session")?["info"] as JsonObject;
        if (info?["error"] is JsonObject error)
        {
            var failure = EventError.From(JsonSerializer.SerializeToElement(error));
            throw new ServerException(failure.Kind, "The warm session could not be made: " + failure.Message);
        }

        return info?["cost"] is JsonValue cost && cost.TryGetValue<double>(out var value) ? TokenTotals.ToDecimal(value) : null;
    }

    public override async Task<(bool Busy, string? Retry)> StatusAsync(DelegateTask task, string session, CancellationToken token)
    {
        var statuses = ServerClient.Expect(await Client.SendAsync(HttpMethod.Get, "session/status", task.Directory, null, token).ConfigureAwait(false), "Reading session status");
        return statuses?[session] is JsonObject status && ServerMessage.Text(status, "type") is { } type && type != "idle"
            ? (true, type == "retry" ? ServerMessage.Text(status, "message") : null)
            : (false, null);
    }

    public override async Task<IReadOnlyList<PendingAsk>?> PendingAsync(DelegateTask task, string session, CancellationToken token)
    {
        var asks = new List<PendingAsk>();
        foreach (var (list, isQuestion) in new[] { ("permission", false), ("question", true) })
        {
            var pending = await Client.SendAsync(HttpMethod.Get, list, task.Directory, null, token).ConfigureAwait(false);
            if (!pending.Ok)
            {
                return null; // an older server without these endpoints
            }

            asks.AddRange((pending.Body as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => ServerMessage.Text(r, "sessionID") == session && ServerMessage.Text(r, "id") is not null)
                .Select(r => new PendingAsk(ServerMessage.Text(r, "id")!, isQuestion,
                    isQuestion ? RejectedRequests.Question : ServerMessage.Text(r, "permission") ?? "unknown")));
        }

        return asks;
    }

    public override async Task RejectAsync(DelegateTask task, string session, PendingAsk ask, CancellationToken token)
    {
        var (path, body) = ask.IsQuestion
            ? ($"question/{Escape(ask.Id)}/reject", new JsonObject())
            : ($"permission/{Escape(ask.Id)}/reply", new JsonObject { ["reply"] = "reject" });
        await Client.SendAsync(HttpMethod.Post, path, task.Directory, body, token).ConfigureAwait(false);
    }

    public override async Task StopAsync(DelegateTask task, string session, CancellationToken token) =>
        await Client.SendAsync(HttpMethod.Post, $"session/{Escape(session)}/abort", task.Directory, new JsonObject(), token).ConfigureAwait(false);

    public override async Task<IReadOnlyList<ServerMessage>> MessagesAsync(DelegateTask task, string session, CancellationToken token)
    {
        var reply = await Client.SendAsync(HttpMethod.Get, $"session/{Escape(session)}/message", task.Directory, null, token).ConfigureAwait(false);
        return (ServerClient.Expect(reply, "Reading the session's messages") as JsonArray ?? []).OfType<JsonObject>().Select(ServerMessage.FromV1).ToList();
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
}
