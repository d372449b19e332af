using System.Text;
using System.Text.Json;

namespace OpenCodeUsage.Tools;

/// <summary>One tool call as stored: its tool, state, when it ran and the bytes of output it returned.</summary>
internal readonly record struct ToolCall(string Tool, string? Status, long Start, long End, long OutputBytes)
{
    public bool Failed => Status == "error";

    public bool Unfinished => Status is "pending" or "running";

    /// <summary>The run time in milliseconds, or -1 when an end is missing (an unfinished call) or out of order.</summary>
    public long DurationMs => Start > 0 && End >= Start ? End - Start : -1;

    /// <summary>
    /// A 1.x part (<c>part.data</c>, or a legacy part file): <c>{type:"tool", tool, state:{status, output?,
    /// time:{start, end?}}}</c>. Null for other part types and for JSON that is no such part.
    /// </summary>
    public static ToolCall? FromPart(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Str(root, "type") != "tool" || Str(root, "tool") is not { } tool)
            {
                return null;
            }

            var state = Obj(root, "state");
            var time = state is { } s ? Obj(s, "time") : null;
            return new ToolCall(tool, state is { } st ? Str(st, "status") : null,
                time is { } t ? Num(t, "start") : 0, time is { } t2 ? Num(t2, "end") : 0,
                state is { } so ? Utf8Bytes(so, "output") : 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The tool items of a 2.x assistant row's <c>content[]</c>: <c>{type:"tool", name, state:{status, content:[{type:"text",
    /// text}]}, time:{created, ran?, completed?}}</c>. The run starts when the tool ran (created when it has no ran).
    /// </summary>
    public static List<ToolCall> FromStep(string json)
    {
        var calls = new List<ToolCall>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return calls;
            }

            foreach (var item in content.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || Str(item, "type") != "tool" || Str(item, "name") is not { } name)
                {
                    continue;
                }

                var state = Obj(item, "state");
                var time = Obj(item, "time");
                long output = 0;
                if (state is { } s && s.TryGetProperty("content", out var parts) && parts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var part in parts.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && Str(part, "type") == "text")
                        {
                            output += Utf8Bytes(part, "text");
                        }
                    }
                }

                var start = time is { } t ? (Num(t, "ran") is > 0 and var ran ? ran : Num(t, "created")) : 0;
                calls.Add(new ToolCall(name, state is { } st ? Str(st, "status") : null, start, time is { } t2 ? Num(t2, "completed") : 0, output));
            }
        }
        catch (JsonException)
        {
            calls.Clear();
        }

        return calls;
    }

    private static JsonElement? Obj(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;

    private static long Utf8Bytes(JsonElement e, string name) =>
        Str(e, name) is { } text ? Encoding.UTF8.GetByteCount(text) : 0;
}
