using System.Text.Json;
using OpenCodeUsage.Accounting;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Turns OpenCode's server events into what the deriver takes: session, message and part rows (the server
/// sends the same JSON OpenCode stores), and the states only the server knows (session.status, permissions,
/// questions, errors). <c>/global/event</c> wraps each event as {directory, payload}; <c>/event</c> does not.
/// </summary>
internal static class ServerEventMapper
{
    /// <summary>One server event, mapped.</summary>
    internal sealed class Mapped
    {
        public string? Type { get; init; }
        public string? Directory { get; init; }
        public ChangeBatch? Batch { get; init; }
        public (ActivityKind Kind, string SessionId, string? Detail, string? Error)? Signal { get; init; }

        /// <summary>A session.error's failure, classified as a delegated run's would be.</summary>
        public DelegateFailureKind? Failure { get; init; }

        /// <summary>When the server says the event happened (2.x events carry it), epoch ms; null for "when it arrived".</summary>
        public long? At { get; init; }
    }

    public static Mapped? Map(string data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var directory = Str(root, "directory");
            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object ? p : root;
            var type = Str(payload, "type");
            if (type is null || !payload.TryGetProperty("properties", out var props) || props.ValueKind != JsonValueKind.Object)
            {
                return new Mapped { Type = type, Directory = directory };
            }

            return type switch
            {
                "session.created" or "session.updated" => Session(type, directory, props),
                "message.updated" => Row(type, directory, props, "info", (id, json) =>
                    Obj(json, out var info) && Str(info, "sessionID") is { } s
                        ? new ChangeBatch { Messages = { new MessageRow(id, s, Time(info, "created"), Bytes(json)) } } : null),
                "message.part.updated" => Row(type, directory, props, "part", (id, json) =>
                    Obj(json, out var part) && Str(part, "sessionID") is { } s && Str(part, "messageID") is { } m
                        ? new ChangeBatch { Parts = { new PartRow(id, m, s, 0, Bytes(json)) } } : null),
                "session.status" => Status(type, directory, props),
                "session.idle" => Signal(type, directory, props, ActivityKind.SessionIdle, null, null),
                "session.compacted" => Signal(type, directory, props, ActivityKind.Compaction, null, null),
                "session.error" => WithFailure(Signal(type, directory, props, ActivityKind.SessionError, null, ErrorOf(props)), props),
                "permission.asked" or "permission.updated" or "permission.v2.asked" =>
                    Signal(type, directory, props, ActivityKind.PermissionAsked, PermissionOf(props), null),
                "permission.replied" or "permission.v2.replied" =>
                    Signal(type, directory, props, ActivityKind.PermissionReplied, Str(props, "reply") ?? Str(props, "response"), null),
                "question.asked" or "question.v2.asked" => Signal(type, directory, props, ActivityKind.QuestionAsked, QuestionOf(props), null),
                "question.replied" or "question.v2.replied" => Signal(type, directory, props, ActivityKind.QuestionReplied, "answered", null),
                "question.rejected" or "question.v2.rejected" => Signal(type, directory, props, ActivityKind.QuestionReplied, "rejected", null),
                _ => new Mapped { Type = type, Directory = directory },
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A session object as the server sends it (also GET /session/:id), with its totals when it has them.</summary>
    public static SessionRow? SessionOf(JsonElement info)
    {
        if (info.ValueKind != JsonValueKind.Object || Str(info, "id") is not { } id)
        {
            return null;
        }

        TokenTotals? totals = null;
        if (info.TryGetProperty("tokens", out var t) && t.ValueKind == JsonValueKind.Object
            && MessagePayloadOf(info) is { } usage)
        {
            var sum = default(TokenTotals);
            sum.Add(usage);
            sum.Messages = 0;
            totals = sum;
        }

        return new SessionRow(id, Str(info, "projectID"), Str(info, "parentID"), Str(info, "title"), Str(info, "directory"), Time(info, "created"))
        {
            Totals = totals,
        };
    }

    private static Storage.MessagePayload? MessagePayloadOf(JsonElement info) =>
        Storage.MessagePayload.TryParse(Bytes(info), out var p) ? p : null;

    private static Mapped Session(string type, string? directory, JsonElement props)
    {
        var row = props.TryGetProperty("info", out var info) ? SessionOf(info) : null;
        if (row is null)
        {
            return new Mapped { Type = type, Directory = directory };
        }

        var batch = new ChangeBatch();
        (type == "session.created" ? batch.NewSessions : batch.UpdatedSessions).Add(row);
        return new Mapped { Type = type, Directory = directory, Batch = batch };
    }

    private static Mapped Row(string type, string? directory, JsonElement props, string name, Func<string, JsonElement, ChangeBatch?> make)
    {
        var batch = props.TryGetProperty(name, out var json) && json.ValueKind == JsonValueKind.Object && Str(json, "id") is { } id
            ? make(id, json) : null;
        return new Mapped { Type = type, Directory = directory, Batch = batch };
    }

    private static Mapped Status(string type, string? directory, JsonElement props)
    {
        if (!props.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object)
        {
            return new Mapped { Type = type, Directory = directory };
        }

        return Str(status, "type") switch
        {
            "busy" => Signal(type, directory, props, ActivityKind.SessionBusy, null, null),
            "idle" => Signal(type, directory, props, ActivityKind.SessionIdle, null, null),
            "retry" => Signal(type, directory, props, ActivityKind.SessionRetry,
                status.TryGetProperty("attempt", out var a) && a.TryGetInt32(out var n) ? $"attempt {n}" : null,
                PartPayload.Snippet(Str(status, "message"))),
            _ => new Mapped { Type = type, Directory = directory },
        };
    }

    private static Mapped WithFailure(Mapped mapped, JsonElement props) =>
        props.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
            ? new Mapped { Type = mapped.Type, Directory = mapped.Directory, Signal = mapped.Signal, Failure = Delegation.EventError.From(error).Kind }
            : mapped;

    private static Mapped Signal(string type, string? directory, JsonElement props, ActivityKind kind, string? detail, string? error) =>
        Str(props, "sessionID") is { } session
            ? new Mapped { Type = type, Directory = directory, Signal = (kind, session, detail, error) }
            : new Mapped { Type = type, Directory = directory };

    private static string? PermissionOf(JsonElement props)
    {
        var name = Str(props, "title") ?? Str(props, "permission") ?? Str(props, "type");
        var patterns = props.TryGetProperty("patterns", out var p) && p.ValueKind == JsonValueKind.Array
            ? string.Join(", ", p.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()))
            : Str(props, "pattern");
        return PartPayload.Snippet(string.IsNullOrEmpty(patterns) ? name : $"{name}: {patterns}");
    }

    private static string? QuestionOf(JsonElement props)
    {
        if (props.TryGetProperty("questions", out var q) && q.ValueKind == JsonValueKind.Array)
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

    private static string? ErrorOf(JsonElement props)
    {
        if (!props.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var message = error.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object ? Str(data, "message") : null;
        return PartPayload.Snippet(message) ?? Str(error, "name");
    }

    private static bool Obj(JsonElement e, out JsonElement o)
    {
        o = e;
        return e.ValueKind == JsonValueKind.Object;
    }

    private static long Time(JsonElement e, string name) =>
        e.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.Object && t.TryGetProperty(name, out var v)
        && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    private static byte[] Bytes(JsonElement e) => System.Text.Encoding.UTF8.GetBytes(e.GetRawText());

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
