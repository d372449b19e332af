using System.Text.Json.Nodes;

namespace OpenCodeUsage.Server;

/// <summary>How a permission request is answered.</summary>
public enum PermissionAnswer
{
    /// <summary>Allow this call only.</summary>
    Once,

    /// <summary>Allow it and, for the rest of the session, every call matching its "always" patterns.</summary>
    Always,

    /// <summary>Deny it: the tool call fails, the agent is told (with the message, if one is given).</summary>
    Reject,
}

/// <summary>
/// Pending permission requests and questions of a running OpenCode, listed and answered over its API, 1.x or 2.x
/// as the server tells (<see cref="ServerClient.IdentifyAsync"/>). Routes, as each generation serves them:
/// 1.x <c>GET /permission</c>, <c>POST /permission/{id}/reply</c>, <c>GET /question</c>, <c>POST /question/{id}/reply|reject</c>
/// (each for a project <c>?directory=</c>); 2.x <c>GET /api/permission/request</c>, <c>GET /api/question/request</c>
/// (<c>?location[directory]=</c>), <c>POST /api/session/{session}/permission/{id}/reply</c> and
/// <c>POST /api/session/{session}/question/{id}/reply|reject</c>.
/// </summary>
public sealed class PendingRequests : IDisposable
{
    private readonly ServerClient _client;

    public PendingRequests(Uri server, string? userName, string? password, Func<string, string?> environment, ActivityLog? log = null) =>
        _client = new ServerClient(server, userName, password, environment, log);

    public Uri Server => _client.BaseUri;

    internal ServerClient Client => _client;

    public void Dispose() => _client.Dispose();

    public Task<IReadOnlyList<PermissionRequest>> PermissionsAsync(string? directory, CancellationToken cancellationToken) =>
        Guard(() => ReadPermissionsAsync(directory, cancellationToken));

    private async Task<IReadOnlyList<PermissionRequest>> ReadPermissionsAsync(string? directory, CancellationToken cancellationToken)
    {
        var identity = await _client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        var list = await ListAsync(identity, "permission", "api/permission/request", directory, cancellationToken).ConfigureAwait(false);
        return list.Select(o => identity.Generation == ServerGeneration.V1
            ? new PermissionRequest
            {
                Id = Text(o, "id")!, SessionId = Text(o, "sessionID")!, Permission = Text(o, "permission"),
                Patterns = Texts(o, "patterns"), Always = Texts(o, "always"),
                MessageId = o["tool"]?["messageID"]?.GetValue<string>(), CallId = o["tool"]?["callID"]?.GetValue<string>(),
                Directory = directory, Server = Server, ServerGeneration = "1.x",
            }
            : new PermissionRequest
            {
                Id = Text(o, "id")!, SessionId = Text(o, "sessionID")!, Permission = Text(o, "action"),
                Patterns = Texts(o, "resources"), Always = Texts(o, "save"),
                MessageId = o["source"]?["messageID"]?.GetValue<string>(), CallId = o["source"]?["callID"]?.GetValue<string>(),
                Directory = directory, Server = Server, ServerGeneration = "2.x",
            }).ToList();
    }

    public Task<IReadOnlyList<QuestionRequest>> QuestionsAsync(string? directory, CancellationToken cancellationToken) =>
        Guard(() => ReadQuestionsAsync(directory, cancellationToken));

    private async Task<IReadOnlyList<QuestionRequest>> ReadQuestionsAsync(string? directory, CancellationToken cancellationToken)
    {
        var identity = await _client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        var list = await ListAsync(identity, "question", "api/question/request", directory, cancellationToken).ConfigureAwait(false);
        return list.Select(o => new QuestionRequest
        {
            Id = Text(o, "id")!,
            SessionId = Text(o, "sessionID")!,
            Questions = (o["questions"] as JsonArray ?? []).OfType<JsonObject>().Select(q => new QuestionItem
            {
                Question = Text(q, "question") ?? string.Empty,
                Header = Text(q, "header"),
                Options = (q["options"] as JsonArray ?? []).OfType<JsonObject>().Select(x => Text(x, "label")).OfType<string>().ToArray(),
                Multiple = q["multiple"] is JsonValue m && m.TryGetValue<bool>(out var multiple) && multiple,
                Custom = q["custom"] is not JsonValue c || !c.TryGetValue<bool>(out var custom) || custom, // OpenCode's default: typed answers allowed
            }).ToArray(),
            MessageId = o["tool"]?["messageID"]?.GetValue<string>(),
            CallId = o["tool"]?["callID"]?.GetValue<string>(),
            Directory = directory,
            Server = Server,
            ServerGeneration = identity.Generation == ServerGeneration.V1 ? "1.x" : "2.x",
        }).ToList();
    }

    /// <summary>Answers a permission request; <paramref name="message"/> goes to the agent with a rejection.</summary>
    public Task AnswerPermissionAsync(string sessionId, string requestId, PermissionAnswer answer, string? message, string? directory, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await SendPermissionAsync(sessionId, requestId, answer, message, directory, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private async Task SendPermissionAsync(string sessionId, string requestId, PermissionAnswer answer, string? message, string? directory, CancellationToken cancellationToken)
    {
        var identity = await _client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        var body = new JsonObject { ["reply"] = answer.ToString().ToLowerInvariant() };
        if (message is { Length: > 0 })
        {
            body["message"] = message;
        }

        var reply = identity.Generation == ServerGeneration.V1
            ? await _client.SendAsync(HttpMethod.Post, $"permission/{Escape(requestId)}/reply", directory, body, cancellationToken).ConfigureAwait(false)
            : await _client.SendAsync(HttpMethod.Post, $"api/session/{Escape(sessionId)}/permission/{Escape(requestId)}/reply", null, body, cancellationToken).ConfigureAwait(false);
        ServerClient.Expect(reply, $"Answering permission request {requestId}");
    }

    /// <summary>Answers a question request: one list of chosen labels (or typed answers) per question; null rejects it.</summary>
    public Task AnswerQuestionAsync(string sessionId, string requestId, IReadOnlyList<IReadOnlyList<string>>? answers, string? directory, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            await SendQuestionAsync(sessionId, requestId, answers, directory, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private async Task SendQuestionAsync(string sessionId, string requestId, IReadOnlyList<IReadOnlyList<string>>? answers, string? directory, CancellationToken cancellationToken)
    {
        var identity = await _client.IdentifyAsync(cancellationToken).ConfigureAwait(false);
        var action = answers is null ? "reject" : "reply";
        var body = answers is null ? null : new JsonObject { ["answers"] = new JsonArray([.. answers.Select(a => (JsonNode)new JsonArray([.. a.Select(x => (JsonNode?)x)]))]) };
        var reply = identity.Generation == ServerGeneration.V1
            ? await _client.SendAsync(HttpMethod.Post, $"question/{Escape(requestId)}/{action}", directory, body ?? new JsonObject(), cancellationToken).ConfigureAwait(false)
            : await _client.SendAsync(HttpMethod.Post, $"api/session/{Escape(sessionId)}/question/{Escape(requestId)}/{action}", null, body, cancellationToken).ConfigureAwait(false);
        ServerClient.Expect(reply, $"Answering question {requestId}");
    }

    private async Task<IEnumerable<JsonObject>> ListAsync(ServerIdentity identity, string v1, string v2, string? directory, CancellationToken cancellationToken)
    {
        var reply = identity.Generation == ServerGeneration.V1
            ? await _client.SendAsync(HttpMethod.Get, v1, directory, null, cancellationToken).ConfigureAwait(false)
            : await _client.SendAsync(HttpMethod.Get, directory is null ? v2 : $"{v2}?location%5Bdirectory%5D={Uri.EscapeDataString(directory)}", null, null, cancellationToken).ConfigureAwait(false);
        var body = ServerClient.Expect(reply, $"Listing pending {v1} requests");
        var items = identity.Generation == ServerGeneration.V1 ? body as JsonArray : body?["data"] as JsonArray;
        return (items ?? []).OfType<JsonObject>().Where(o => Text(o, "id") is not null && Text(o, "sessionID") is not null);
    }

    /// <summary>The server's failures as the stable ids every server command reports (ServerUnavailable, ServerAuthenticationFailed, …).</summary>
    private async Task<T> Guard<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (ServerException ex)
        {
            throw ex.ToUsageException(_client.Display);
        }
    }

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;

    private static string[] Texts(JsonObject o, string name) =>
        (o[name] as JsonArray ?? []).Select(n => n is JsonValue v && v.TryGetValue<string>(out var text) ? text : null).OfType<string>().ToArray();
}
