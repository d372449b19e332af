using System.Text;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>Answers POST /v1/chat/completions, streamed (SSE chunks) or whole, as mockllm.py does.</summary>
static class OpenAiResponder
{
    const long Created = 1700000000;

    public static Task WriteWholeAsync(Stream stream, string id, string model, MockReply reply, JsonObject usage, bool keepAlive, CancellationToken ct)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text };
        if (reply.Reasoning is not null) message["reasoning_content"] = reply.Reasoning;
        var finish = "stop";
        if (reply.ToolCall is { } call)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
            });
            finish = "tool_calls";
        }
        var body = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion",
            ["created"] = Created,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finish }),
            ["usage"] = usage.DeepClone(),
        };
        return HttpResponseWriter.WriteAsync(stream, 200, "application/json",
            Encoding.UTF8.GetBytes(PythonJson.Dumps(body)), keepAlive, ct);
    }

    /// <summary>
    /// role chunk, reasoning words, then the tool call (arguments in 20-character slices) or the
    /// text word by word, a finish chunk, a usage-only chunk and [DONE].
    /// </summary>
    public static async Task WriteStreamAsync(Stream stream, string id, string model, MockReply reply, JsonObject usage,
        TimeSpan chunkDelay, TimeSpan slowReplyDelay, CancellationToken ct)
    {
        await HttpResponseWriter.StartEventStreamAsync(stream, ct);
        Task Chunk(JsonObject delta, string? finish = null) =>
            Data(stream, Envelope(id, model, new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["finish_reason"] = finish,
            })), ct);

        await Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" });
        if (reply.Reasoning is not null)
        {
            foreach (var word in reply.Reasoning.Split(' '))
                await Chunk(new JsonObject { ["reasoning_content"] = word + " " });
        }

        var finishReason = "stop";
        if (reply.ToolCall is { } call)
        {
            await Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = 0,
                    ["id"] = call.Id,
                    ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
                }),
            });
            for (var i = 0; i < call.Arguments.Length; i += 20)
            {
                var slice = call.Arguments.Substring(i, Math.Min(20, call.Arguments.Length - i));
                await Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["function"] = new JsonObject { ["arguments"] = slice },
                    }),
                });
            }
            finishReason = "tool_calls";
        }
        else
        {
            var delay = reply.Slow && slowReplyDelay > chunkDelay ? slowReplyDelay : chunkDelay;
            var words = (reply.Text ?? "").Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                await Chunk(new JsonObject { ["content"] = words[i] + (i < words.Length - 1 ? " " : "") });
                if (delay > TimeSpan.Zero) await Task.Delay(delay, ct);
            }
        }
        await Chunk([], finishReason);

        var final = Envelope(id, model, []);
        final["usage"] = usage.DeepClone();
        await Data(stream, final, ct);
        await HttpResponseWriter.WriteTextAsync(stream, "data: [DONE]\n\n", ct);
    }

    static JsonObject Envelope(string id, string model, JsonArray choices) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion.chunk",
        ["created"] = Created,
        ["model"] = model,
        ["choices"] = choices,
    };

    static Task Data(Stream stream, JsonObject payload, CancellationToken ct) =>
        HttpResponseWriter.WriteTextAsync(stream, "data: " + PythonJson.Dumps(payload) + "\n\n", ct);
}
