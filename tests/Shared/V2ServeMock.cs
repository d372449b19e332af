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
    private readonly ConcurrentDictionary<string, JsonObject> _sessionInfos = new();
    private readonly List<BlockingCollection<byte[]>> _streams = [];
    private int _events;

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

    /// <summary>Event streams (GET /api/event) opened so far.</summary>
    public int StreamsOpened { get; private set; }

    /// <summary>A SessionV2Info for GET /api/session/{id}: {id, projectID, cost, tokens, time, title, location}.</summary>
    public void AddSession(string id, string title, string directory, double cost = 0, long input = 0, long output = 0) =>
        _sessionInfos[id] = new JsonObject
        {
            ["id"] = id, ["projectID"] = "global", ["cost"] = cost,
            ["tokens"] = new JsonObject { ["input"] = input, ["output"] = output, ["reasoning"] = 0, ["cache"] = new JsonObject { ["read"] = 0, ["write"] = 0 } },
            ["time"] = new JsonObject { ["created"] = 1796276186439, ["updated"] = 1796276186439 },
            ["title"] = title, ["location"] = new JsonObject { ["directory"] = directory },
        };

    /// <summary>
    /// Sends a V2Event to every open /api/event stream: <c>{id, type, location, data}</c> as the preview sends it
    /// (data carries <c>timestamp</c> where the SDK type has one).
    /// </summary>
    public void Publish(string type, JsonObject data, string directory = "/srv/project")
    {
        var e = new JsonObject
        {
            ["id"] = $"evt_{Interlocked.Increment(ref _events):D6}", ["type"] = type,
            ["location"] = new JsonObject { ["directory"] = directory }, ["data"] = data,
        };
        Send(Encoding.UTF8.GetBytes("data: " + e.ToJsonString() + "\n\n"));
    }

    /// <summary>A comment line, as the server's heartbeat.</summary>
    public void Heartbeat() => Send(": heartbeat\n\n"u8.ToArray());

    /// <summary>One data line of <paramref name="bytes"/> bytes that goes on and on, then its end; sent in 64 KiB chunks as the client reads.</summary>
    public Task PublishEndlessLine(long bytes) => Task.Run(() =>
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        Send("data: "u8.ToArray());
        for (var left = bytes; left > 0; left -= chunk.Length)
        {
            Send(left >= chunk.Length ? chunk : chunk[..(int)left]);
        }

        Send("\n\n"u8.ToArray());
    });

    /// <summary>Ends every open event stream, as a restarting server does; the next connection gets a new one.</summary>
    public void DropStreams()
    {
        lock (_streams)
        {
            foreach (var stream in _streams)
            {
                stream.CompleteAdding();
            }

            _streams.Clear();
        }
    }

    private void Send(byte[] chunk)
    {
        BlockingCollection<byte[]>[] open;
        lock (_streams)
        {
            open = [.. _streams];
        }

        foreach (var stream in open)
        {
            try
            {
                stream.Add(chunk);
            }
            catch (InvalidOperationException)
            {
                // Dropped meanwhile.
            }
        }
    }

    private LoopbackResponse Stream()
    {
        // Bounded: a client that stops reading holds the sender back instead of filling memory.
        var stream = new BlockingCollection<byte[]>(boundedCapacity: 64);
        stream.Add(Encoding.UTF8.GetBytes("data: {\"id\":\"evt_connected\",\"type\":\"server.connected\",\"data\":{}}\n\n"));
        lock (_streams)
        {
            _streams.Add(stream);
            StreamsOpened++;
        }

        return new LoopbackResponse { Status = 200, ContentType = "text/event-stream", Chunked = true, Stream = stream };
    }

    private LoopbackResponse SessionInfo(string id) => _sessionInfos.TryGetValue(id, out var info)
        ? LoopbackResponse.Json(200, new JsonObject { ["data"] = info.DeepClone() }.ToJsonString())
        : LoopbackResponse.Json(404, $$"""{"_tag":"SessionNotFoundError","sessionID":"{{id}}","message":"Session not found: {{id}}"}""");

    /// <summary>A session in /api/session/active ({type: "running"}).</summary>
    public void Run(string session) => _active[session] = "running";

    public void Dispose()
    {
        DropStreams();
        _server.Dispose();
    }

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
            ("GET", ["api", "event"]) => Stream(),
            ("GET", ["api", "session", var id]) when id != "active" && _sessionInfos.ContainsKey(id) => SessionInfo(id),
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
