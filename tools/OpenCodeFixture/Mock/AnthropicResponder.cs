using System.Text;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>
/// Answers POST /v1/messages (the mockant provider) as mockllm.py does: one text or tool_use
/// block, cache write/read usage, streamed as Anthropic's named SSE events or sent whole.
/// No thinking blocks: real ones need signatures.
/// </summary>
static class AnthropicResponder
{
    public static JsonArray ContentBlocks(MockReply reply)
    {
        if (reply.ToolCall is { } call)
        {
            return new JsonArray(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = "toolu_" + call.Id["call_".Length..],
                ["name"] = call.Name,
                ["input"] = JsonNode.Parse(call.Arguments),
            });
        }
        return new JsonArray(new JsonObject { ["type"] = "text", ["text"] = reply.Text });
    }

    static string StopReason(MockReply reply) => reply.ToolCall is null ? "end_turn" : "tool_use";

    public static Task WriteWholeAsync(Stream stream, string id, string model, MockReply reply, JsonObject usage, bool keepAlive, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["id"] = id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = model,
            ["content"] = ContentBlocks(reply),
            ["stop_reason"] = StopReason(reply),
            ["stop_sequence"] = null,
            ["usage"] = usage.DeepClone(),
        };
        return HttpResponseWriter.WriteAsync(stream, 200, "application/json",
            Encoding.UTF8.GetBytes(PythonJson.Dumps(body)), keepAlive, ct);
    }

    public static async Task WriteStreamAsync(Stream stream, string id, string model, MockReply reply, JsonObject usage, CancellationToken ct)
    {
        await HttpResponseWriter.StartEventStreamAsync(stream, ct);
        Task Event(string name, JsonObject payload) =>
            HttpResponseWriter.WriteTextAsync(stream, $"event: {name}\ndata: {PythonJson.Dumps(payload)}\n\n", ct);

        var startUsage = (JsonObject)usage.DeepClone();
        startUsage["output_tokens"] = 1;
        await Event("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = startUsage,
            },
        });

        var blocks = ContentBlocks(reply);
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = (JsonObject)blocks[i]!;
            if (block["type"]!.GetValue<string>() == "text")
            {
                await Event("content_block_start", new JsonObject
                {
                    ["type"] = "content_block_start",
                    ["index"] = i,
                    ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = "" },
                });
                var words = (block["text"]?.GetValue<string>() ?? "").Split(' ');
                for (var j = 0; j < words.Length; j++)
                {
                    await Event("content_block_delta", new JsonObject
                    {
                        ["type"] = "content_block_delta",
                        ["index"] = i,
                        ["delta"] = new JsonObject
                        {
                            ["type"] = "text_delta",
                            ["text"] = words[j] + (j < words.Length - 1 ? " " : ""),
                        },
                    });
                }
            }
            else
            {
                await Event("content_block_start", new JsonObject
                {
                    ["type"] = "content_block_start",
                    ["index"] = i,
                    ["content_block"] = new JsonObject
                    {
                        ["type"] = "tool_use",
                        ["id"] = block["id"]!.DeepClone(),
                        ["name"] = block["name"]!.DeepClone(),
                        ["input"] = new JsonObject(),
                    },
                });
                await Event("content_block_delta", new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = i,
                    ["delta"] = new JsonObject
                    {
                        ["type"] = "input_json_delta",
                        ["partial_json"] = PythonJson.Dumps(block["input"]),
                    },
                });
            }
            await Event("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = i });
        }

        await Event("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = StopReason(reply), ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = usage["output_tokens"]!.DeepClone() },
        });
        await Event("message_stop", new JsonObject { ["type"] = "message_stop" });
    }
}
