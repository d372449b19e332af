namespace OpenCodeUsage.Bench.Generator;

/// <summary>A finished tool call: its part data and what it added to the conversation.</summary>
internal sealed record ToolCall(string Data, string Pending, string Running, long ResultTokens, bool ChangedFiles);

/// <summary>
/// Tool parts in the shape OpenCode 1.18 stores them: <c>{type, tool, callID, state{status, input, output,
/// metadata, title, time}}</c>. Outputs are 0.5 to 20 KB (log-uniform, times --output-scale); bash keeps a
/// copy of its output in metadata, as OpenCode does, and edits carry their diff.
/// </summary>
internal sealed class ToolCalls(Generation g)
{
    public ToolCall Make(string tool, SessionState s, long start, long end, string callId)
    {
        var size = g.ToolOutputChars();
        var root = s.Project.Directory;
        var file = Catalog.Pick(g.Random, Catalog.SourceFiles);
        string input, output, metadata, title;
        var changed = false;
        switch (tool)
        {
            case "read":
                input = $"{{\"filePath\":{Json.Quote(root + "/" + file)}}}";
                var content = g.Code(size);
                output = Quoted("<file>\\n" + content + "\\n</file>");
                metadata = $"{{\"preview\":{Quoted(content[..Math.Min(content.Length, 200)].TrimEnd('\\'))},\"truncated\":false}}";
                title = file;
                break;
            case "bash":
                var command = Catalog.Pick(g.Random, Catalog.Commands);
                var text = Quoted(g.Code(size));
                input = $"{{\"command\":{Json.Quote(command)},\"description\":{Json.Quote("Run " + command)}}}";
                output = text;
                metadata = $"{{\"output\":{text},\"exit\":{(g.Chance(0.15) ? 1 : 0)},\"description\":{Json.Quote("Run " + command)},\"truncated\":false}}";
                title = "Run " + command;
                break;
            case "edit":
                input = $"{{\"filePath\":{Json.Quote(root + "/" + file)},\"oldString\":{Quoted(g.Code(120))},\"newString\":{Quoted(g.Code(160))}}}";
                output = "\"Edit applied successfully.\"";
                metadata = $"{{\"diagnostics\":{{}},\"diff\":{Quoted($"Index: {file}\\n===================================================================\\n--- {file}\\n+++ {file}\\n@@ -1,7 +1,9 @@\\n" + g.Code(size))}}}";
                title = file;
                changed = true;
                break;
            case "write":
                input = $"{{\"filePath\":{Json.Quote(root + "/" + file)},\"content\":{Quoted(g.Code(size))}}}";
                output = "\"Wrote file successfully.\"";
                metadata = $"{{\"diagnostics\":{{}},\"filepath\":{Json.Quote(root + "/" + file)},\"exists\":{(g.Chance(0.5) ? "true" : "false")}}}";
                title = file;
                changed = true;
                break;
            case "grep":
                var pattern = g.Code(12).Trim().Replace("\\", "");
                input = $"{{\"pattern\":{Json.Quote(pattern)},\"path\":{Json.Quote(root)}}}";
                var matches = 1 + g.Random.Next(60);
                output = Quoted($"Found {matches} matches\\n" + g.Code(size));
                metadata = $"{{\"matches\":{matches},\"truncated\":false}}";
                title = pattern;
                break;
            case "glob":
                input = $"{{\"pattern\":\"**/*.ts\",\"path\":{Json.Quote(root)}}}";
                output = Quoted(g.Code(size));
                metadata = $"{{\"count\":{1 + g.Random.Next(200)},\"truncated\":false}}";
                title = "src";
                break;
            case "todowrite":
                var todos = "[{\"content\":" + Quoted(g.Prose(60)) + ",\"status\":\"completed\",\"priority\":\"high\",\"id\":\"1\"}," +
                            "{\"content\":" + Quoted(g.Prose(60)) + ",\"status\":\"in_progress\",\"priority\":\"medium\",\"id\":\"2\"}]";
                input = $"{{\"todos\":{todos}}}";
                output = Json.Quote(todos);
                metadata = $"{{\"todos\":{todos}}}";
                title = "1 todos";
                break;
            default: // webfetch
                var url = "https://docs.example.com/guide/" + g.Ids.Hex(8);
                input = $"{{\"url\":{Json.Quote(url)},\"format\":\"markdown\"}}";
                output = Quoted(g.Prose(size));
                metadata = "{}";
                title = url + " (text/html)";
                break;
        }

        var data = $"{{\"type\":\"tool\",\"tool\":\"{tool}\",\"callID\":\"{callId}\",\"state\":{{\"status\":\"completed\",\"input\":{input},\"output\":{output},\"metadata\":{metadata},\"title\":{Json.Quote(title)},\"time\":{{\"start\":{start},\"end\":{end}}}}}}}";
        return new ToolCall(data, Pending(tool, callId), Running(tool, callId, input, start), output.Length / 4, changed);
    }

    /// <summary>The task tool: it ran the subagent session <paramref name="childId"/>.</summary>
    public ToolCall Task(SessionState s, string callId, string childId, string description, string subagent, long start, long end)
    {
        var input = $"{{\"description\":{Json.Quote(description)},\"prompt\":{Quoted(g.Prose(200))},\"subagent_type\":\"{subagent}\"}}";
        var output = Quoted($"<task id=\\\"{childId}\\\" state=\\\"completed\\\">\\n<task_result>\\n{g.Prose(600)}\\n</task_result>\\n</task>");
        var metadata = $"{{\"parentSessionId\":\"{s.Id}\",\"sessionId\":\"{childId}\",\"model\":{{\"modelID\":{Json.Quote(s.Model.Model)},\"providerID\":{Json.Quote(s.Model.Provider)}}},\"truncated\":false}}";
        var data = $"{{\"type\":\"tool\",\"tool\":\"task\",\"callID\":\"{callId}\",\"state\":{{\"status\":\"completed\",\"input\":{input},\"output\":{output},\"metadata\":{metadata},\"title\":{Json.Quote(description)},\"time\":{{\"start\":{start},\"end\":{end}}}}}}}";
        return new ToolCall(data, Pending("task", callId), Running("task", callId, input, start), output.Length / 4, false);
    }

    /// <summary>Anthropic's tool-use ids look like toolu_01…, the others' like call_….</summary>
    public string CallId(ModelInfo model) =>
        model.Provider == "anthropic" ? "toolu_01" + g.Ids.Base62Text(22) : "call_" + g.Ids.Base62Text(24);

    private static string Pending(string tool, string callId) =>
        $"{{\"type\":\"tool\",\"callID\":\"{callId}\",\"tool\":\"{tool}\",\"state\":{{\"status\":\"pending\",\"input\":{{}},\"raw\":\"\"}}}}";

    private static string Running(string tool, string callId, string input, long start) =>
        $"{{\"type\":\"tool\",\"callID\":\"{callId}\",\"tool\":\"{tool}\",\"state\":{{\"status\":\"running\",\"input\":{input},\"time\":{{\"start\":{start}}}}}}}";

    /// <summary>Wraps already-escaped corpus text as a JSON string.</summary>
    private static string Quoted(string escaped) => "\"" + escaped + "\"";
}
