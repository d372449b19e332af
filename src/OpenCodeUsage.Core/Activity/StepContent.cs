using System.Text.Json;

namespace OpenCodeUsage.Activity;

/// <summary>
/// What the watch needs of a 2.x <c>session_message</c> row beyond its usage (which <see cref="Storage.MessagePayload"/>
/// reads): the model (<c>model.id</c>/<c>model.providerID</c>), the agent, a user row's text, and the assistant's
/// <c>content[]</c>: tool calls with their state, texts and reasoning (SDK <c>SessionMessageAssistant</c>).
/// </summary>
internal sealed class StepContent
{
    public string? Agent { get; private init; }
    public string? ProviderId { get; private init; }
    public string? ModelId { get; private init; }
    public string? Text { get; private init; }
    public List<StepTool> Tools { get; } = [];
    public List<(string Id, string Type, string Text)> Texts { get; } = [];

    public static StepContent? Parse(byte[] data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
            var content = new StepContent
            {
                Agent = Str(root, "agent"),
                ProviderId = model.ValueKind == JsonValueKind.Object ? Str(model, "providerID") : null,
                ModelId = model.ValueKind == JsonValueKind.Object ? Str(model, "id") ?? Str(model, "modelID") : null,
                Text = Str(root, "text"),
            };
            if (root.TryGetProperty("content", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || Str(item, "id") is not { } id)
                    {
                        continue;
                    }

                    switch (Str(item, "type"))
                    {
                        case "tool":
                            content.Tools.Add(StepTool.Of(id, item));
                            break;
                        case "text" or "reasoning" when Str(item, "text") is { } text:
                            content.Texts.Add((id, Str(item, "type")!, text));
                            break;
                    }
                }
            }

            return content;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static long Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}

/// <summary>One tool call of an assistant step: <c>{id, name, state:{status, error?, title?}, time:{created, ran?, completed?}}</c>.</summary>
internal sealed record StepTool(string CallId, string? Name, string? Status, string? Title, string? Error, long Created, long Completed)
{
    public static StepTool Of(string id, JsonElement item)
    {
        var state = item.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.Object ? s : default;
        var time = item.TryGetProperty("time", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        bool Has(JsonElement e) => e.ValueKind == JsonValueKind.Object;
        string? error = null;
        if (Has(state) && state.TryGetProperty("error", out var e))
        {
            error = e.ValueKind == JsonValueKind.String ? e.GetString()
                : e.ValueKind == JsonValueKind.Object ? StepContent.Str(e, "message") ?? StepContent.Str(e, "type") : null;
        }

        return new StepTool(id, StepContent.Str(item, "name"),
            Has(state) ? StepContent.Str(state, "status") : null,
            Has(state) ? StepContent.Str(state, "title") : null,
            error,
            Has(time) ? StepContent.Num(time, "created") : 0,
            Has(time) ? StepContent.Num(time, "completed") : 0);
    }
}
