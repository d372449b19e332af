using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Delegation;

/// <summary>One message as GET /session/:id/message returns it: <c>{info, parts}</c>, with what a result needs.</summary>
internal sealed record ServerMessage(string Id, bool IsAssistant, bool Completed, JsonObject Info, IReadOnlyList<string> Texts, EventError? Error)
{
    public static ServerMessage From(JsonObject message)
    {
        var info = message["info"] as JsonObject ?? [];
        var texts = (message["parts"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(p => ServerDelegate.Text(p, "type") == "text" && ServerDelegate.Text(p, "text") is { Length: > 0 })
            .Select(p => ServerDelegate.Text(p, "text")!)
            .ToList();
        var error = info["error"] is JsonObject e ? EventError.From(JsonSerializer.SerializeToElement(e)) : null;
        return new ServerMessage(
            ServerDelegate.Text(info, "id") ?? string.Empty,
            ServerDelegate.Text(info, "role") == "assistant",
            info["time"]?["completed"] is JsonValue,
            info,
            texts,
            error);
    }

    public string? Get(string name) => ServerDelegate.Text(Info, name);
}
