using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Tests;

/// <summary>
/// The mock's sessions, from the v2 SDK's types: POST /api/session <c>{agent?, model?, location}</c> → <c>{data: SessionV2Info}</c>;
/// GET /api/session/:id; POST …/model, …/agent (204); POST …/prompt <c>{prompt: {text}}</c> → <c>{data: SessionInputAdmitted}</c>;
/// GET /api/session/active (with the sessions <see cref="Run"/> marks); POST …/interrupt (204); GET …/message (<c>{data: SessionMessage[], cursor}</c>, order=asc or a cursor);
/// POST …/wait answers 503 ServiceUnavailableError, as the 2.0 preview does. Not in that SDK, and served only with
/// <see cref="ServesFork"/> (as later 2.x servers do): POST …/fork <c>{before?}</c> → <c>{data: Session.Info}</c>, the history
/// copied under new ids and the totals at zero, and PATCH /api/session/:id <c>{title}</c>.
/// A prompt runs for <see cref="StepPolls"/> polls of /api/session/active, then writes one assistant step (SessionMessageAssistant)
/// and adds its usage to the session's totals. Markers in the prompt change that: ASK_PERMISSION and ASK_QUESTION wait on a pending
/// request until it is answered; SLOW_REPLY runs until interrupted; EMPTY_REPLY answers with no text; HUGE_REPLY with 2 MB of it.
/// </summary>
internal sealed partial class V2ServeMock
{
    public const decimal StepCost = 0.0125m;
    private readonly ConcurrentDictionary<string, MockSession> _sessions = new();
    private readonly ConcurrentDictionary<string, MockRun> _runs = new();
    private int _ids;

    /// <summary>Serve POST /api/session/:id/fork and PATCH /api/session/:id (later 2.x servers); the SDK 1.19.3 and the preview have neither.</summary>
    public bool ServesFork { get; init; } = true;

    /// <summary>How many polls of /api/session/active a prompt stays running before it answers.</summary>
    public int StepPolls { get; init; } = 2;

    /// <summary>The sessions made, by id: their create body, title, model and agent as the server holds them.</summary>
    public IReadOnlyDictionary<string, MockSession> Sessions => _sessions;

    public sealed class MockSession
    {
        public required string Id { get; init; }
        public required JsonObject Created { get; init; }
        public string Title { get; set; } = "New session";
        public JsonObject? Model { get; set; }
        public string? Agent { get; set; }
        public string? ForkOf { get; init; }
        public List<JsonObject> Messages { get; } = [];
        public List<string> Prompts { get; } = [];
        public decimal Cost { get; set; }
        public long Input { get; set; }
        public long Output { get; set; }
        public long Reasoning { get; set; }
        public long CacheRead { get; set; }
    }

    /// <summary>Deletes a session, as DELETE /api/session/:id would: it is then unknown (404 SessionNotFoundError).</summary>
    public void Forget(string session) => _sessions.TryRemove(session, out _);

    private sealed class MockRun
    {
        public required string Text { get; init; }
        public int PollsLeft { get; set; }
        public string? Waiting { get; set; }
        public bool Interrupted { get; set; }
    }

    private LoopbackResponse Session(LoopbackRequest request, string[] parts)
    {
        var body = request.Body.Length == 0 ? null : JsonNode.Parse(request.Body) as JsonObject;
        var query = request.Path.Contains('?', StringComparison.Ordinal) ? request.Path[(request.Path.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
        lock (_sessions)
        {
            return (request.Method, parts) switch
            {
                ("POST", ["api", "session"]) => Data(Create(body ?? [], null)),
                ("GET", ["api", "session", "active"]) => Active(),
                ("GET", ["api", "session", var id]) => Known(id, s => Data(Info(s))),
                ("PATCH", ["api", "session", var id]) when ServesFork => Known(id, s =>
                {
                    s.Title = (string?)body?["title"] ?? s.Title;
                    return NoContent();
                }),
                ("POST", ["api", "session", var id, "fork"]) when ServesFork => Known(id, s => Data(Fork(s))),
                ("POST", ["api", "session", var id, "model"]) => Known(id, s =>
                {
                    s.Model = body?["model"]?.DeepClone() as JsonObject;
                    return NoContent();
                }),
                ("POST", ["api", "session", var id, "agent"]) => Known(id, s =>
                {
                    s.Agent = (string?)body?["agent"];
                    return NoContent();
                }),
                ("POST", ["api", "session", var id, "prompt"]) => Known(id, s => Prompt(s, (string?)body?["prompt"]?["text"] ?? string.Empty)),
                ("POST", ["api", "session", var id, "interrupt"]) => Known(id, s =>
                {
                    if (_runs.TryGetValue(s.Id, out var run))
                    {
                        run.Interrupted = true;
                    }

                    return NoContent();
                }),
                ("POST", ["api", "session", var id, "wait"]) => Known(id, _ => LoopbackResponse.Json(503,
                    """{"_tag":"ServiceUnavailableError","message":"Session wait is not available yet","service":"session.wait"}""")),
                ("GET", ["api", "session", var id, "message"]) => Known(id, s => Page(s, query)),
                _ => LoopbackResponse.Json(404, string.Empty),
            };
        }
    }

    private MockSession Create(JsonObject body, MockSession? source)
    {
        var session = new MockSession
        {
            Id = $"ses_mock{Interlocked.Increment(ref _ids):D4}",
            Created = (JsonObject)body.DeepClone(),
            Model = (source?.Model ?? body["model"])?.DeepClone() as JsonObject,
            Agent = source?.Agent ?? (string?)body["agent"],
            ForkOf = source?.Id,
        };
        // SDK 1.19.3's create takes no title: the mock names the session as the preview does, whatever the body says.
        session.Title = source is null ? "New session - mock" : source.Title + " (fork #1)";
        _sessions[session.Id] = session;
        return session;
    }

    private MockSession Fork(MockSession source)
    {
        var fork = Create([], source);
        foreach (var message in source.Messages)
        {
            var copy = (JsonObject)message.DeepClone();
            copy["id"] = $"msg_copy{Interlocked.Increment(ref _ids):D4}";
            fork.Messages.Add(copy);
        }

        return fork;
    }

    private LoopbackResponse Prompt(MockSession session, string text)
    {
        session.Prompts.Add(text);
        var user = new JsonObject { ["id"] = NewId("msg_user"), ["time"] = new JsonObject { ["created"] = Now() }, ["text"] = text, ["type"] = "user" };
        session.Messages.Add(user);
        var run = new MockRun { Text = text, PollsLeft = StepPolls };
        if (text.Contains("ASK_PERMISSION", StringComparison.Ordinal))
        {
            run.Waiting = "per_" + session.Id;
            AskPermission(run.Waiting, session.Id, "bash", ["rm -rf build"], ["rm *"]);
        }
        else if (text.Contains("ASK_QUESTION", StringComparison.Ordinal))
        {
            run.Waiting = "que_" + session.Id;
            AskQuestion(run.Waiting, session.Id, "Which branch?", "main", "dev");
        }

        _runs[session.Id] = run;
        return Data(new JsonObject
        {
            ["admittedSeq"] = session.Messages.Count, ["id"] = user["id"]!.DeepClone(), ["sessionID"] = session.Id,
            ["prompt"] = new JsonObject { ["text"] = text }, ["delivery"] = "steer", ["timeCreated"] = Now(),
        });
    }

    /// <summary>Each poll moves every running prompt on; one that is done writes its step and leaves the list.</summary>
    private LoopbackResponse Active()
    {
        var data = new JsonObject([.. _active.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)new JsonObject { ["type"] = a.Value }))]);
        foreach (var (id, run) in _runs.ToArray())
        {
            var waiting = run.Waiting is { } request && (_permissions.ContainsKey(request) || _questions.ContainsKey(request));
            var slow = run.Text.Contains("SLOW_REPLY", StringComparison.Ordinal);
            if (run.Interrupted || (!waiting && !slow && --run.PollsLeft <= 0))
            {
                Finish(_sessions[id], run);
                _runs.TryRemove(id, out _);
                continue;
            }

            data[id] = new JsonObject { ["type"] = "running" };
        }

        return LoopbackResponse.Json(200, new JsonObject { ["data"] = data }.ToJsonString());
    }

    private void Finish(MockSession session, MockRun run)
    {
        var model = session.Model ?? new JsonObject { ["id"] = "mock-default", ["providerID"] = "mock" };
        var text = run.Interrupted ? null
            : run.Text.Contains("EMPTY_REPLY", StringComparison.Ordinal) ? null
            : run.Text.Contains("HUGE_REPLY", StringComparison.Ordinal) ? new string('x', 2_000_000)
            : run.Waiting is not null ? "I could not do that: the request was rejected."
            : "Reply from the v2 mock to: " + run.Text;
        var step = new JsonObject
        {
            ["id"] = NewId("msg_step"),
            ["time"] = new JsonObject { ["created"] = Now(), ["completed"] = Now() },
            ["type"] = "assistant",
            ["agent"] = session.Agent ?? "build",
            ["model"] = model.DeepClone(),
            ["content"] = text is null ? new JsonArray() : new JsonArray(new JsonObject { ["type"] = "text", ["id"] = NewId("prt"), ["text"] = text }),
            ["finish"] = run.Interrupted ? "aborted" : "stop",
            ["cost"] = (double)StepCost,
            ["tokens"] = new JsonObject { ["input"] = 100, ["output"] = 20, ["reasoning"] = 30, ["cache"] = new JsonObject { ["read"] = 400, ["write"] = 0 } },
        };
        if (run.Interrupted)
        {
            step["error"] = new JsonObject { ["type"] = "unknown", ["message"] = "The operation was aborted." };
        }

        session.Messages.Add(step);
        session.Cost += StepCost;
        session.Input += 100;
        session.Output += 20;
        session.Reasoning += 30;
        session.CacheRead += 400;
    }

    /// <summary>Pages of at most limit messages; cursor.next is set whenever the page is not empty, as the server's list does.</summary>
    private static LoopbackResponse Page(MockSession session, string query)
    {
        var parameters = query.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty);
        var limit = parameters.TryGetValue("limit", out var l) ? int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) : 50;
        var start = parameters.TryGetValue("cursor", out var c) ? int.Parse(c["after:".Length..], System.Globalization.CultureInfo.InvariantCulture) : 0;
        var rows = session.Messages.Skip(start).Take(limit).ToList();
        return LoopbackResponse.Json(200, new JsonObject
        {
            ["data"] = new JsonArray([.. rows.Select(r => (JsonNode?)r.DeepClone())]),
            ["cursor"] = new JsonObject { ["next"] = rows.Count == 0 ? null : "after:" + (start + rows.Count) },
        }.ToJsonString());
    }

    /// <summary>SessionV2Info.</summary>
    private static JsonObject Info(MockSession s) => new()
    {
        ["id"] = s.Id, ["projectID"] = "global", ["agent"] = s.Agent, ["model"] = s.Model?.DeepClone(),
        ["cost"] = (double)s.Cost,
        ["tokens"] = new JsonObject { ["input"] = s.Input, ["output"] = s.Output, ["reasoning"] = s.Reasoning, ["cache"] = new JsonObject { ["read"] = s.CacheRead, ["write"] = 0 } },
        ["time"] = new JsonObject { ["created"] = Now(), ["updated"] = Now() },
        ["title"] = s.Title,
        ["location"] = s.Created["location"]?.DeepClone() ?? new JsonObject { ["directory"] = "/srv/project" },
    };

    private LoopbackResponse Known(string id, Func<MockSession, LoopbackResponse> answer) =>
        _sessions.TryGetValue(id, out var session)
            ? answer(session)
            : LoopbackResponse.Json(404, $$"""{"_tag":"SessionNotFoundError","sessionID":"{{id}}","message":"Session not found: {{id}}"}""");

    private static LoopbackResponse Owned(string session, IEnumerable<JsonObject> items) =>
        LoopbackResponse.Json(200, new JsonObject { ["data"] = new JsonArray([.. items.Where(i => (string?)i["sessionID"] == session).Select(i => (JsonNode?)i.DeepClone())]) }.ToJsonString());

    private static LoopbackResponse Data(MockSession session) => Data(Info(session));

    private static LoopbackResponse Data(JsonObject data) => LoopbackResponse.Json(200, new JsonObject { ["data"] = data }.ToJsonString());

    private static LoopbackResponse NoContent() => LoopbackResponse.Json(204, string.Empty);

    private string NewId(string prefix) => $"{prefix}{Interlocked.Increment(ref _ids):D4}";

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
