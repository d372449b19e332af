using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>
/// Turns an Anthropic Messages request into the OpenAI-ish shape the planner reads
/// (mockllm.py's <c>anthropic_to_openai</c>): the system prompt becomes a leading system message
/// and a message holding a tool_result block becomes a "tool" message. The usage of
/// Anthropic requests is counted on this shape, system message included, as in the Python mock.
/// </summary>
public static class AnthropicShape
{
    public static JsonObject ToOpenAiShape(JsonObject body)
    {
        var messages = new JsonArray();
        switch (body["system"])
        {
            case JsonValue v when v.TryGetValue<string>(out var system):
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
                break;
            case JsonArray blocks:
                var text = string.Join("\n", blocks.OfType<JsonObject>()
                    .Select(b => b["text"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : ""));
                messages.Add(new JsonObject { ["role"] = "system", ["content"] = text });
                break;
        }

        foreach (var message in body["messages"] as JsonArray ?? [])
        {
            var content = message?["content"];
            if (content is JsonArray blocks && blocks.OfType<JsonObject>().Any(IsToolResult))
            {
                messages.Add(new JsonObject { ["role"] = "tool", ["content"] = "tool result" });
                continue;
            }
            messages.Add(new JsonObject
            {
                ["role"] = message?["role"]?.DeepClone(),
                ["content"] = content?.DeepClone(),
            });
        }

        var tools = new JsonArray();
        foreach (var tool in body["tools"] as JsonArray ?? [])
            tools.Add(new JsonObject { ["function"] = new JsonObject { ["name"] = tool?["name"]?.DeepClone() } });

        return new JsonObject
        {
            ["model"] = body["model"]?.DeepClone(),
            ["messages"] = messages,
            ["tools"] = tools,
            ["stream"] = body["stream"]?.DeepClone(),
        };
    }

    static bool IsToolResult(JsonObject block) =>
        block["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "tool_result";
}
