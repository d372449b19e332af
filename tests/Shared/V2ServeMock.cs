using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Tests;

/// <summary>
/// A stand-in for an OpenCode 2.x <c>opencode serve</c> on loopback, built from @opencode-ai/sdk 1.19.3's v2 types
/// (dist/v2/gen/types.gen.d.ts) and what the real 2.0 preview answers: every route under /api, no /global/health,
/// Basic auth always (401 <c>{_tag: "UnauthorizedError"}</c>), 404 <c>{_tag: "SessionNotFoundError"}</c> for an
/// unknown session. It holds pending permission requests and questions; answering one removes it and is recorded.
/// Its sessions (V2ServeMock.Sessions.cs) run prompts the way a 2.x server does, without a model.
/// </summary>
internal sealed partial class V2ServeMock : IDisposable
{
    public const string Password = "v2-mock-secret";
    private readonly LoopbackServer _server;
    private readonly ConcurrentDictionary<string, JsonObject> _permissions = new();
    private readonly ConcurrentDictionary<string, JsonObject> _questions = new();
    private readonly ConcurrentDictionary<string, string> _active = new();
    private readonly ConcurrentQueue<(string Path, JsonNode? Body)> _answers = new();

    public V2ServeMock() => _server = new LoopbackServer(Answer);

    public Uri BaseUri => _server.BaseUri;

    public IReadOnlyList<LoopbackRequest> Requests => _server.Requests;

    /// <summary>The answers the mock took: route and body.</summary>
    public IReadOnlyList<(string Path, JsonNode? Body)> Answers => _answers.ToArray();

    /// <summary>A PermissionV2Request: {id, sessionID, action, resources, save?, metadata?, source?}.</summary>
    public void AskPermission(string id, string session, string action, string[] resources, string[] save) =>
        _permissions[id] = new JsonObject
        {
            ["id"] = id, ["sessionID"] = session, ["action"] = action,
            ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode?)r)]),
            ["save"] = new JsonArray([.. save.Select(r => (JsonNode?)r)]),
            ["metadata"] = new JsonObject(),
            ["source"] = new JsonObject { ["messageID"] = "msg_" + id, ["callID"] = "call_" + id },
        };

    /// <summary>A QuestionV2Request: {id, sessionID, questions: [{question, header, options: [{label, description}], multiple?, custom?}]}.</summary>
    public void AskQuestion(string id, string session, string question, params string[] options) =>
        _questions[id] = new JsonObject
        {
            ["id"] = id, ["sessionID"] = session,
            ["questions"] = new JsonArray(new JsonObject
            {
                ["question"] = question, ["header"] = "Choice",
                ["options"] = new JsonArray([.. options.Select(o => (JsonNode?)new JsonObject { ["label"] = o, ["description"] = o + "." })]),
                ["multiple"] = false,
            }),
        };

    /// <summary>A session in /api/session/active ({type: "running"}).</summary>
    public void Run(string session) => _active[session] = "running";

    public void Dispose() => _server.Dispose();

    private LoopbackResponse Answer(LoopbackRequest request)
    {
        if (request.Header("Authorization") != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + Password)))
        {
            return LoopbackResponse.Json(401, """{"_tag":"UnauthorizedError","message":"Authentication required"}""", ("www-authenticate", "Basic realm=\"Secure Area\""));
        }

        var path = request.Path.Split('?')[0];
        var location = new JsonObject { ["directory"] = Query(request.Path, "location%5Bdirectory%5D") ?? "/srv/project" };
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (request.Method, parts) switch
        {
            ("GET", ["api", "health"]) => LoopbackResponse.Json(200, """{"healthy":true}"""),
            ("GET", ["api", "permission", "request"]) => List(location, _permissions.Values),
            ("GET", ["api", "question", "request"]) => List(location, _questions.Values),
            ("POST", ["api", "session", var session, "permission", var id, "reply"]) => Take(_permissions, session, id, request),
            ("POST", ["api", "session", var session, "question", var id, "reply" or "reject"]) => Take(_questions, session, id, request),
            ("GET", ["api", "session", var session, "permission"]) => Owned(session, _permissions.Values),
            ("GET", ["api", "session", var session, "question"]) => Owned(session, _questions.Values),
            (_, ["api", "session", ..]) => Session(request, parts),
            _ => LoopbackResponse.Json(404, string.Empty),
        };
    }

    private static LoopbackResponse List(JsonObject location, IEnumerable<JsonObject> items) =>
        LoopbackResponse.Json(200, new JsonObject { ["location"] = location, ["data"] = new JsonArray([.. items.Select(i => i.DeepClone())]) }.ToJsonString());

    private LoopbackResponse Take(ConcurrentDictionary<string, JsonObject> pending, string session, string id, LoopbackRequest request)
    {
        if (!pending.TryGetValue(id, out var item) || (string?)item["sessionID"] != session)
        {
            return LoopbackResponse.Json(404, $$"""{"_tag":"SessionNotFoundError","sessionID":"{{session}}","message":"Session not found: {{session}}"}""");
        }

        pending.TryRemove(id, out _);
        _answers.Enqueue((request.Path, request.Body.Length == 0 ? null : JsonNode.Parse(request.Body)));
        return LoopbackResponse.Json(204, string.Empty); // V2SessionPermissionReplyResponses / V2SessionQuestionRejectResponses: 204

    }

    private static string? Query(string path, string name)
    {
        var query = path.Contains('?', StringComparison.Ordinal) ? path[(path.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        return query.Split('&').Where(p => p.StartsWith(name + "=", StringComparison.Ordinal)).Select(p => Uri.UnescapeDataString(p[(name.Length + 1)..])).FirstOrDefault();
    }
}
