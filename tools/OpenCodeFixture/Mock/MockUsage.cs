using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>
/// Token counts as deterministic functions of the request (mockllm.py's <c>usage_for</c> and
/// <c>anthropic_usage</c>): prompt = len(json.dumps(messages)) / 4; completion = 2 per word;
/// reasoning = 2 per reasoning word; later turns of a conversation read half the prompt from cache.
/// </summary>
public static class MockUsage
{
    /// <summary>OpenAI-style usage (chat/completions).</summary>
    public static JsonObject OpenAi(JsonObject body, MockReply reply)
    {
        var counts = Count(body, reply);
        return new JsonObject
        {
            ["prompt_tokens"] = counts.Prompt,
            ["completion_tokens"] = counts.Completion + counts.Reasoning,
            ["total_tokens"] = counts.Prompt + counts.Completion + counts.Reasoning,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = counts.Cached },
            ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = counts.Reasoning },
        };
    }

    /// <summary>
    /// Anthropic-style usage for the normalised body: the first call of a conversation writes the
    /// cache (a third of the prompt), later calls read half of it and write a tenth.
    /// </summary>
    public static JsonObject Anthropic(JsonObject normalisedBody, MockReply reply)
    {
        var counts = Count(normalisedBody, reply);
        var prompt = counts.Prompt;
        var laterTurn = MockPlanner.Messages(normalisedBody).Count > 2;
        var read = laterTurn ? prompt / 2 : 0;
        var write = laterTurn ? prompt / 10 : prompt / 3;
        return new JsonObject
        {
            ["input_tokens"] = prompt - read - write,
            ["cache_creation_input_tokens"] = write,
            ["cache_read_input_tokens"] = read,
            ["output_tokens"] = counts.Completion + counts.Reasoning,
        };
    }

    readonly record struct Counts(int Prompt, int Cached, int Completion, int Reasoning);

    static Counts Count(JsonObject body, MockReply reply)
    {
        var messages = MockPlanner.Messages(body);
        var prompt = Math.Max(1, PythonJson.Dumps(messages).Length / 4);
        var cached = messages.Count > 2 ? prompt / 2 : 0;
        var outText = (reply.Text ?? "") + (reply.ToolCall?.Arguments ?? "");
        var completion = Math.Max(1, PythonText.SplitWords(outText).Length * 2);
        var reasoning = PythonText.SplitWords(reply.Reasoning ?? "").Length * 2;
        return new Counts(prompt, cached, completion, reasoning);
    }
}
