using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>
/// Decides the answer from the request body alone (mockllm.py's <c>plan</c>), so every run of the
/// same scenario gets the same replies. The body is OpenAI-shaped; Anthropic requests are
/// normalised first by <see cref="AnthropicShape"/>.
/// </summary>
public static class MockPlanner
{
    public const string SpawnSubagentMarker = "SPAWN_SUBAGENT";
    public const string SlowReplyMarker = "SLOW_REPLY";
    public const string AskQuestionMarker = "ASK_QUESTION";

    /// <summary>The question the mock asks (OpenCode's question tool: questions of {question, header, options}).</summary>
    public const string QuestionText = "Which colour should the mock use?";

    static readonly string QuestionArguments = PythonJson.Dumps(new JsonObject
    {
        ["questions"] = new JsonArray(new JsonObject
        {
            ["question"] = QuestionText,
            ["header"] = "Colour",
            ["options"] = new JsonArray(
                new JsonObject { ["label"] = "Red", ["description"] = "A warm colour" },
                new JsonObject { ["label"] = "Blue", ["description"] = "A cool colour" }),
        }),
    });

    /// <summary>Arguments of the task-tool call, in Python's json.dumps form.</summary>
    static readonly string TaskArguments = PythonJson.Dumps(new JsonObject
    {
        ["description"] = "Mock subtask",
        ["prompt"] = "Say hello from the subagent.",
        ["subagent_type"] = "general",
    });

    public static MockReply Plan(JsonObject body)
    {
        var messages = Messages(body);
        var model = ModelOf(body);
        var system = string.Join("\n", messages
            .Where(m => RoleOf(m) == "system")
            .Select(m => TextOf(m?["content"])));
        var last = messages.Count > 0 ? messages[^1] : null;
        var lastUser = messages.LastOrDefault(m => RoleOf(m) == "user") is { } user ? TextOf(user["content"]) : "";
        var tools = ToolNames(body);
        var hasToolResult = messages.Any(m => RoleOf(m) == "tool");
        var userWords = PythonText.SplitWords(lastUser);

        string? reasoning = model.Contains("reason", StringComparison.Ordinal)
            ? "Let me think step by step about: " + string.Join(" ", userWords.Take(6))
            : null;

        if (system.ToLowerInvariant().Contains("title", StringComparison.Ordinal) && tools.Count == 0)
        {
            var titleWords = userWords.Select(PythonText.KeepAlphanumeric).Where(w => w.Length > 0).Take(5);
            var title = PythonText.Capitalize(string.Join(" ", titleWords).Trim());
            return new MockReply(MockReplyKind.Title, title.Length > 0 ? title : "Mock session", null, null, false);
        }

        if (RoleOf(last) == "tool")
        {
            return new MockReply(MockReplyKind.AfterTool,
                "Done. The subagent finished its work and reported back.", reasoning, null, false);
        }

        if (lastUser.Contains(SpawnSubagentMarker, StringComparison.Ordinal) && !hasToolResult && tools.Contains("task"))
        {
            var hash = Sha1Hex(PythonJson.Dumps(messages, sortKeys: true))[..12];
            return new MockReply(MockReplyKind.ToolCall, null, reasoning,
                new MockToolCall("call_" + hash, "task", TaskArguments), false);
        }

        // `opencode serve` offers the question tool; `opencode run` does not (it could not be answered).
        if (lastUser.Contains(AskQuestionMarker, StringComparison.Ordinal) && !hasToolResult && tools.Contains("question"))
        {
            var hash = Sha1Hex(PythonJson.Dumps(messages, sortKeys: true))[..12];
            return new MockReply(MockReplyKind.ToolCall, null, reasoning,
                new MockToolCall("call_" + hash, "question", QuestionArguments), false);
        }

        var snippet = string.Join(" ", userWords.Take(8));
        var text = $"Hi! This is a deterministic reply from {model}. You said: {snippet}";
        return new MockReply(MockReplyKind.Text, text, reasoning, null,
            lastUser.Contains(SlowReplyMarker, StringComparison.Ordinal));
    }

    internal static JsonArray Messages(JsonObject body) => body["messages"] as JsonArray ?? [];

    internal static string ModelOf(JsonObject body) =>
        body["model"] is JsonValue v && v.TryGetValue<string>(out var model) ? model : "mock";

    internal static List<string?> ToolNames(JsonObject body) =>
        (body["tools"] as JsonArray ?? [])
            .Select(t => t?["function"]?["name"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null)
            .ToList();

    static string? RoleOf(JsonNode? message) =>
        message is JsonObject o && o["role"] is JsonValue v && v.TryGetValue<string>(out var role) ? role : null;

    /// <summary>Message content as text: a string, or the text blocks of a block list joined by newlines.</summary>
    internal static string TextOf(JsonNode? content) => content switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonArray blocks => string.Join("\n", blocks
            .OfType<JsonObject>()
            .Where(b => b["type"] is JsonValue t && t.TryGetValue<string>(out var type) && type == "text")
            .Select(b => b["text"] is JsonValue x && x.TryGetValue<string>(out var s) ? s : "")),
        _ => "",
    };

    internal static string Sha1Hex(string text) => Sha1Hex(Encoding.UTF8.GetBytes(text));

    internal static string Sha1Hex(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));
}
