using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Turns an OpenCode 2.x server's events (<c>GET /api/event</c>: <c>{id, created?, type, location?, data}</c>, SDK
/// <c>V2Event</c>) into what the deriver takes. 2.x sends no rows: a step is told in pieces (step started, text and
/// tool events, step ended or failed), so each open step is kept here as the <c>session_message</c> assistant row
/// the database would hold, and handed over whole each time it changes; the deriver reports only what is new, as it
/// does for 2.x rows read from the database. Event names are taken as the preview (<c>session.next.*</c>, SDK 1.19.3)
/// and 2.0.x (<c>session.*</c>, <c>session.execution.*</c>) send them. Every 1.x/2.x difference of the watch's
/// server mode is here and in <see cref="ServerEventMapper"/>.
/// </summary>
internal sealed class V2EventMapper
{
    /// <summary>Steps open at once that are kept; past it the oldest is dropped (a stream that never ends its steps must not grow).</summary>
    internal const int MaxOpenSteps = 256;

    /// <summary>Tool calls and texts kept per open step; each text is kept as the snippet events carry (<see cref="PartPayload.Snippet"/>).</summary>
    internal const int MaxStepItems = 256;

    private readonly Dictionary<string, OpenStep> _steps = new(StringComparer.Ordinal);
    private Queue<string> _order = new();

    public int OpenSteps => _steps.Count;

    /// <summary>Step ids in the eviction order, ended ones included until the queue is compacted.</summary>
    internal int QueuedSteps => _order.Count;

    public List<ServerEventMapper.Mapped> Map(string data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "type") is not { } raw)
            {
                return [];
            }

            var type = Normalize(raw);
            var directory = root.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.Object ? Str(l, "directory") : null;
            if (!root.TryGetProperty("data", out var d) || d.ValueKind != JsonValueKind.Object)
            {
                return [new ServerEventMapper.Mapped { Type = type, Directory = directory }];
            }

            var at = Num(root, "created") is > 0 and var created ? created : Num(d, "timestamp");
            return new Event(type, directory, d, at > 0 ? at : null).MapWith(this);
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>
    /// <c>session.next.step.started</c> (preview) and <c>session.step.started</c> (2.0.x) are the same event; a durable
    /// event's version suffix (<c>session.step.ended.2</c>) is not part of its name.
    /// </summary>
    internal static string Normalize(string type)
    {
        if (type.StartsWith("session.next.", StringComparison.Ordinal))
        {
            type = "session." + type["session.next.".Length..];
        }

        var dot = type.LastIndexOf('.');
        return dot > 0 && dot < type.Length - 1 && type[(dot + 1)..].All(char.IsAsciiDigit) ? type[..dot] : type;
    }

    /// <summary>A 2.x session (<c>SessionV2Info</c> or the preview's <c>Session</c>), with OpenCode's own totals as what it starts from.</summary>
    public static SessionRow? SessionOf(JsonElement info)
    {
        if (info.ValueKind != JsonValueKind.Object || Str(info, "id") is not { } id)
        {
            return null;
        }

        var directory = Str(info, "directory")
            ?? (info.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.Object ? Str(l, "directory") : null);
        var created = info.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.Object ? Num(t, "created") : 0;
        return new SessionRow(id, Str(info, "projectID"), Str(info, "parentID"), Str(info, "title"), directory, created)
        {
            Totals = TotalsOf(info),
        };
    }

    private static Accounting.TokenTotals? TotalsOf(JsonElement e)
    {
        if (!e.TryGetProperty("tokens", out var t) || t.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var cache = t.TryGetProperty("cache", out var c) && c.ValueKind == JsonValueKind.Object ? c : default;
        long Cache(string name) => cache.ValueKind == JsonValueKind.Object ? Num(cache, name) : 0;
        var cost = e.TryGetProperty("cost", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
        var totals = ActivityDeriver.Reported(Num(t, "input"), Num(t, "output"), Num(t, "reasoning"), Cache("read"), Cache("write"), cost);
        totals.Messages = 0;
        return totals;
    }

    private OpenStep Step(string sessionId, string messageId, long at)
    {
        if (_steps.TryGetValue(messageId, out var step))
        {
            return step;
        }

        step = new OpenStep(sessionId, messageId, at);
        _steps[messageId] = step;
        if (_order.Count >= 2 * MaxOpenSteps)
        {
            _order = new Queue<string>(_order.Where(_steps.ContainsKey)); // ended steps leave the order here
        }

        _order.Enqueue(messageId);
        while (_steps.Count > MaxOpenSteps && _order.TryDequeue(out var old))
        {
            _steps.Remove(old);
        }

        return step;
    }

    private void Close(string messageId) => _steps.Remove(messageId); // its id leaves the queue when it comes up

    private readonly record struct Event(string Type, string? Directory, JsonElement Data, long? At)
    {
        private string? Session => Str(Data, "sessionID");

        private string? Message => Str(Data, "assistantMessageID") ?? Str(Data, "messageID");

        public List<ServerEventMapper.Mapped> MapWith(V2EventMapper mapper)
        {
            var now = At ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            switch (Type)
            {
                case "session.created" or "session.updated":
                    return [SessionEvent()];
                case "session.usage.updated":
                    // Totals moved by a step still being told would count that step twice: only a quiet session's are taken.
                    return [Session is { } s && mapper._steps.Values.Any(o => o.SessionId == s) ? Plain() : Usage()];
                case "session.status":
                    return [Status()];
                case "session.idle":
                    return [Signal(ActivityKind.SessionIdle)];
                case "session.execution.started":
                    return [Signal(ActivityKind.SessionBusy)];
                case "session.execution.succeeded":
                    return [Signal(ActivityKind.SessionIdle, detail: "succeeded")];
                case "session.execution.interrupted":
                    return [Signal(ActivityKind.SessionIdle, detail: Str(Data, "reason") is { } r ? "interrupted (" + r + ")" : "interrupted")];
                case "session.execution.failed":
                    return [Failure(ActivityKind.SessionError), Signal(ActivityKind.SessionIdle, detail: "failed")];
                case "session.error":
                    return [Failure(ActivityKind.SessionError)];
                case "session.retried" or "session.retry.scheduled":
                    return [Failure(ActivityKind.SessionRetry, Num(Data, "attempt") is > 0 and var n ? $"attempt {n}" : null)];
                case "session.compaction.started":
                    return [Signal(ActivityKind.Compaction, detail: Str(Data, "reason"))];
                case "permission.asked" or "permission.v2.asked":
                    return [Signal(ActivityKind.PermissionAsked, detail: PermissionOf(Data))];
                case "permission.replied" or "permission.v2.replied":
                    return [Signal(ActivityKind.PermissionReplied, detail: Str(Data, "reply"))];
                case "question.asked" or "question.v2.asked":
                    return [Signal(ActivityKind.QuestionAsked, detail: QuestionOf(Data))];
                case "question.replied" or "question.v2.replied":
                    return [Signal(ActivityKind.QuestionReplied, detail: "answered")];
                case "question.rejected" or "question.v2.rejected":
                    return [Signal(ActivityKind.QuestionReplied, detail: "rejected")];
            }

            if (!Type.StartsWith("session.", StringComparison.Ordinal) || Session is not { } session || Message is not { } message)
            {
                return [Plain()];
            }

            switch (Type)
            {
                case "session.prompted":
                    return [Row(new StepRow(message, session, "user", now, Prompt(now)))];
                case "session.step.started":
                {
                    var step = mapper.Step(session, message, now);
                    step.Agent = Str(Data, "agent") ?? step.Agent;
                    if (Data.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object)
                    {
                        step.Model = JsonNode.Parse(model.GetRawText());
                    }

                    return [Row(step.Row())];
                }

                case "session.step.ended" or "session.step.failed":
                {
                    var step = mapper.Step(session, message, now);
                    step.End(Data, now, failed: Type == "session.step.failed");
                    mapper.Close(message);
                    return [Row(step.Row())];
                }

                case "session.text.ended" or "session.reasoning.ended":
                {
                    var step = mapper.Step(session, message, now);
                    var id = Str(Data, "textID") ?? Str(Data, "reasoningID") ?? Num(Data, "ordinal").ToString(System.Globalization.CultureInfo.InvariantCulture);
                    step.Text(Type == "session.text.ended" ? "text" : "reasoning", id, Str(Data, "text"));
                    return [Row(step.Row())];
                }

                case "session.tool.input.started" or "session.tool.called" or "session.tool.success" or "session.tool.failed":
                {
                    var step = mapper.Step(session, message, now);
                    step.Tool(Type, Data, now);
                    return [Row(step.Row())];
                }

                default:
                    return [Plain()];
            }
        }

        private ServerEventMapper.Mapped Plain() => new() { Type = Type, Directory = Directory };

        private ServerEventMapper.Mapped Row(StepRow row)
        {
            var batch = new ChangeBatch();
            batch.Steps.Add(row);
            return new ServerEventMapper.Mapped { Type = Type, Directory = Directory, Batch = batch };
        }

        private ServerEventMapper.Mapped SessionEvent()
        {
            if (!Data.TryGetProperty("info", out var info) || SessionOf(info) is not { } row)
            {
                return Plain();
            }

            var batch = new ChangeBatch();
            (Type == "session.created" ? batch.NewSessions : batch.UpdatedSessions).Add(row);
            return new ServerEventMapper.Mapped { Type = Type, Directory = Directory, Batch = batch };
        }

        /// <summary>The session's totals as OpenCode keeps them: what its first step in the watch counts on from.</summary>
        private ServerEventMapper.Mapped Usage()
        {
            if (Session is not { } session || TotalsOf(Data) is not { } totals)
            {
                return Plain();
            }

            var batch = new ChangeBatch();
            batch.UpdatedSessions.Add(new SessionRow(session, null, null, null, Directory, 0) { Totals = totals });
            return new ServerEventMapper.Mapped { Type = Type, Directory = Directory, Batch = batch };
        }

        private ServerEventMapper.Mapped Status()
        {
            if (!Data.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
            {
                return Plain();
            }

            return Str(status, "type") switch
            {
                "busy" => Signal(ActivityKind.SessionBusy),
                "idle" => Signal(ActivityKind.SessionIdle),
                "retry" => Signal(ActivityKind.SessionRetry, Num(status, "attempt") is > 0 and var n ? $"attempt {n}" : null,
                    PartPayload.Snippet(Str(status, "message")), Delegation.FailureClassifier.Classify(null, Str(status, "message"), null)),
                _ => Plain(),
            };
        }

        private ServerEventMapper.Mapped Failure(ActivityKind kind, string? detail = null)
        {
            var error = Data.TryGetProperty("error", out var e) ? ErrorOf(e) : null;
            return Signal(kind, detail, error is null ? null : PartPayload.Snippet(error.Message) ?? error.Name, error?.Kind);
        }

        private ServerEventMapper.Mapped Signal(ActivityKind kind, string? detail = null, string? error = null, DelegateFailureKind? failure = null) =>
            Session is { } session
                ? new ServerEventMapper.Mapped { Type = Type, Directory = Directory, Signal = (kind, session, detail, error), Failure = failure, At = At }
                : Plain();

        private byte[] Prompt(long at)
        {
            var row = new JsonObject { ["type"] = "user", ["time"] = new JsonObject { ["created"] = at } };
            if (Data.TryGetProperty("prompt", out var p) && p.ValueKind == JsonValueKind.Object && Str(p, "text") is { } text)
            {
                row["text"] = PartPayload.Snippet(text);
            }

            return JsonSerializer.SerializeToUtf8Bytes(row);
        }
    }

    /// <summary>
    /// A 2.x error as the events carry it: 1.x-shaped <c>{name, data: {message, statusCode?}}</c> (session.error), the
    /// preview's <c>{type, message}</c> and a retry's <c>{message, statusCode?, isRetryable}</c>; classified as a
    /// delegated run's failure is (<see cref="Delegation.FailureClassifier"/>).
    /// </summary>
    internal static Delegation.EventError? ErrorOf(JsonElement error)
    {
        if (error.ValueKind is not (JsonValueKind.Object or JsonValueKind.String))
        {
            return null;
        }

        if (error.ValueKind == JsonValueKind.Object && (error.TryGetProperty("name", out _) || error.TryGetProperty("data", out _)))
        {
            return Delegation.EventError.From(error);
        }

        var message = error.ValueKind == JsonValueKind.String ? error.GetString() : Str(error, "message");
        var name = error.ValueKind == JsonValueKind.Object ? Str(error, "type") ?? "UnknownError" : "UnknownError";
        int? status = error.ValueKind == JsonValueKind.Object && Num(error, "statusCode") is > 0 and var s ? (int)s : null;
        return new Delegation.EventError(name, message ?? name, status, null);
    }

    private static string? PermissionOf(JsonElement data)
    {
        var name = Str(data, "action") ?? Str(data, "permission") ?? Str(data, "title");
        var list = data.TryGetProperty("resources", out var r) && r.ValueKind == JsonValueKind.Array ? r
            : data.TryGetProperty("patterns", out var p) && p.ValueKind == JsonValueKind.Array ? p : default;
        var patterns = list.ValueKind == JsonValueKind.Array
            ? string.Join(", ", list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()))
            : null;
        return PartPayload.Snippet(string.IsNullOrEmpty(patterns) ? name : $"{name}: {patterns}");
    }

    private static string? QuestionOf(JsonElement data)
    {
        if (data.TryGetProperty("questions", out var q) && q.ValueKind == JsonValueKind.Array)
        {
            foreach (var question in q.EnumerateArray())
            {
                if (question.ValueKind == JsonValueKind.Object && (Str(question, "question") ?? Str(question, "header")) is { } text)
                {
                    return PartPayload.Snippet(text);
                }
            }
        }

        return null;
    }

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static long Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number
            ? v.TryGetInt64(out var n) ? n : (long)v.GetDouble()
            : 0;

    /// <summary>One step being told, as the <c>session_message</c> assistant row it becomes (SDK <c>SessionMessageAssistant</c>).</summary>
    private sealed class OpenStep(string sessionId, string messageId, long created)
    {
        private readonly List<JsonObject> _content = [];
        private readonly Dictionary<string, JsonObject> _tools = new(StringComparer.Ordinal);
        private JsonObject? _end;

        public string SessionId => sessionId;

        public string? Agent { get; set; }

        public JsonNode? Model { get; set; }

        public StepRow Row()
        {
            var row = new JsonObject { ["type"] = "assistant", ["agent"] = Agent, ["model"] = Model?.DeepClone() };
            var time = new JsonObject { ["created"] = created };
            row["time"] = time;
            row["content"] = new JsonArray([.. _content.Select(c => (JsonNode)c.DeepClone())]);
            if (_end is not null)
            {
                foreach (var (key, value) in _end)
                {
                    if (key == "completed")
                    {
                        time["completed"] = value?.DeepClone();
                    }
                    else
                    {
                        row[key] = value?.DeepClone();
                    }
                }
            }

            return new StepRow(messageId, sessionId, "assistant", created, JsonSerializer.SerializeToUtf8Bytes(row));
        }

        public void End(JsonElement data, long at, bool failed)
        {
            _end = new JsonObject { ["completed"] = at };
            if (Str(data, "finish") is { } finish)
            {
                _end["finish"] = finish;
            }

            if (data.TryGetProperty("tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Object)
            {
                _end["tokens"] = JsonNode.Parse(tokens.GetRawText());
                _end["cost"] = data.TryGetProperty("cost", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : 0;
            }

            if (failed)
            {
                // The row's error as the deriver (and the delegate results) classify it: {name, data: {message, statusCode?}}.
                var error = data.TryGetProperty("error", out var e) ? ErrorOf(e) : null;
                var body = new JsonObject { ["message"] = error?.Message ?? "step failed" };
                if (error?.StatusCode is { } status)
                {
                    body["statusCode"] = status;
                }

                _end["error"] = new JsonObject { ["name"] = error?.Name ?? "UnknownError", ["data"] = body };
            }
        }

        public void Text(string type, string id, string? text)
        {
            if (PartPayload.Snippet(text) is not { } snippet || _content.Count >= MaxStepItems)
            {
                return;
            }

            _content.Add(new JsonObject { ["id"] = type + "_" + id, ["type"] = type, ["text"] = snippet });
        }

        public void Tool(string type, JsonElement data, long at)
        {
            if (Str(data, "callID") is not { } callId)
            {
                return;
            }

            if (!_tools.TryGetValue(callId, out var tool))
            {
                if (_content.Count >= MaxStepItems)
                {
                    return;
                }

                tool = new JsonObject
                {
                    ["id"] = callId, ["type"] = "tool", ["state"] = new JsonObject { ["status"] = "pending" },
                    ["time"] = new JsonObject { ["created"] = at },
                };
                _tools[callId] = tool;
                _content.Add(tool);
            }

            if ((Str(data, "name") ?? Str(data, "tool")) is { } name)
            {
                tool["name"] = name;
            }

            var state = (JsonObject)tool["state"]!;
            switch (type)
            {
                case "session.tool.called":
                    state["status"] = "running";
                    break;
                case "session.tool.success":
                    state["status"] = "completed";
                    tool["time"]!["completed"] = at;
                    break;
                case "session.tool.failed":
                    state["status"] = "error";
                    tool["time"]!["completed"] = at;
                    var error = data.TryGetProperty("error", out var e) ? ErrorOf(e) : null;
                    state["error"] = PartPayload.Snippet(error?.Message) ?? error?.Name;
                    break;
            }
        }
    }
}
