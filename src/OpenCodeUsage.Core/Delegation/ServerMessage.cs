using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// One message of a server session, with what a result needs, read from either generation's shape: 1.x
/// GET /session/:id/message rows <c>{info, parts}</c>, 2.x GET /api/session/:id/message <c>SessionMessage</c>s
/// (an assistant row is one step: <c>{type, agent, model: {id, providerID, variant}, content, finish, cost, tokens, error}</c>).
/// </summary>
internal sealed record ServerMessage(string Id, bool IsAssistant, bool Completed, IReadOnlyList<string> Texts, EventError? Error)
{
    public string? ProviderId { get; init; }
    public string? ModelId { get; init; }
    public string? Variant { get; init; }
    public string? Agent { get; init; }
    public JsonElement Tokens { get; init; }
    public JsonElement Cost { get; init; }

    /// <summary>2.x tokens: output never includes reasoning (there is no total to tell).</summary>
    public bool OutputExcludesReasoning { get; init; }

    public static ServerMessage FromV1(JsonObject message)
    {
        var info = message["info"] as JsonObject ?? [];
        return new ServerMessage(
            Text(info, "id") ?? string.Empty,
            Text(info, "role") == "assistant",
            info["time"]?["completed"] is JsonValue,
            TextsOf(message["parts"]),
            info["error"] is JsonObject e ? EventError.From(JsonSerializer.SerializeToElement(e)) : null)
        {
            ProviderId = Text(info, "providerID"),
            ModelId = Text(info, "modelID"),
            Variant = Text(info, "variant"),
            Agent = Text(info, "agent") ?? Text(info, "mode"),
            Tokens = Element(info["tokens"]),
            Cost = Element(info["cost"]),
        };
    }

    public static ServerMessage FromV2(JsonObject message)
    {
        var model = message["model"] as JsonObject ?? [];
        return new ServerMessage(
            Text(message, "id") ?? string.Empty,
            Text(message, "type") == "assistant",
            message["time"]?["completed"] is JsonValue,
            TextsOf(message["content"]),
            message["error"] is JsonObject e ? EventError.From(JsonSerializer.SerializeToElement(e)) : null)
        {
            ProviderId = Text(model, "providerID"),
            ModelId = Text(model, "id"),
            Variant = Text(model, "variant"),
            Agent = Text(message, "agent"),
            Tokens = Element(message["tokens"]),
            Cost = Element(message["cost"]),
            OutputExcludesReasoning = true,
        };
    }

    private static List<string> TextsOf(JsonNode? parts) =>
        (parts as JsonArray ?? []).OfType<JsonObject>()
            .Where(p => Text(p, "type") == "text" && Text(p, "text") is { Length: > 0 })
            .Select(p => Text(p, "text")!)
            .ToList();

    private static JsonElement Element(JsonNode? node) => node is null ? default : JsonSerializer.SerializeToElement(node);

    internal static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
}
