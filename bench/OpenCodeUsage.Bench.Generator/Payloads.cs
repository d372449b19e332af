namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// The <c>data</c> JSON of messages and non-tool parts, with the keys in the order real OpenCode 1.18.33 rows
/// have them (tests/data/oc-1.18.33). Ids, session id and message id are columns, not repeated here.
/// </summary>
internal sealed class Payloads(Json json)
{
    public string User(long created, string agent, ModelInfo model) =>
        json.Start().Str("role", "user").Obj("time").Num("created", created).Close().Str("agent", agent)
            .Obj("model").Str("providerID", model.Provider).Str("modelID", model.Model).Close()
            .Obj("summary").Raw("diffs", "[]").Close().Close().ToString();

    /// <summary>A finished (or aborted, with <paramref name="finish"/> null) assistant message.</summary>
    public string Assistant(string parentId, string mode, string agent, ProjectInfo project, in Usage usage, decimal cost,
        ModelInfo model, long created, long completed, string? finish)
    {
        json.Start().Str("parentID", parentId).Str("role", "assistant").Str("mode", mode).Str("agent", agent)
            .Obj("path").Str("cwd", project.Directory).Str("root", project.Worktree).Close()
            .Num("cost", (double)cost);
        Tokens(usage).Str("modelID", model.Model).Str("providerID", model.Provider)
            .Obj("time").Num("created", created).Num("completed", completed).Close();
        if (finish is null)
        {
            json.Obj("error").Str("name", "MessageAbortedError").Obj("data").Str("message", "The operation was aborted.").Close().Close();
        }
        else
        {
            json.Str("finish", finish);
        }

        return json.Close().ToString();
    }

    /// <summary>The snapshot OpenCode publishes when a step starts: no usage yet.</summary>
    public string AssistantStarted(string parentId, string mode, string agent, ProjectInfo project, ModelInfo model, long created) =>
        json.Start().Str("role", "assistant").Obj("time").Num("created", created).Close().Str("parentID", parentId)
            .Str("modelID", model.Model).Str("providerID", model.Provider).Str("mode", mode).Str("agent", agent)
            .Obj("path").Str("cwd", project.Directory).Str("root", project.Worktree).Close()
            .Num("cost", 0L).Raw("tokens", "{\"input\":0,\"output\":0,\"reasoning\":0,\"cache\":{\"read\":0,\"write\":0}}")
            .Close().ToString();

    public string StepStart(string snapshot) =>
        json.Start().Str("snapshot", snapshot).Str("type", "step-start").Close().ToString();

    public string StepFinish(string reason, string snapshot, in Usage usage, decimal cost)
    {
        json.Start().Str("reason", reason).Str("snapshot", snapshot).Str("type", "step-finish");
        return Tokens(usage).Num("cost", (double)cost).Close().ToString();
    }

    /// <summary>A text or reasoning part; the user's prompt has no time.</summary>
    public string Text(string type, string escapedText, long? start, long end)
    {
        json.Start().Str("type", type).Raw("text", "\"" + escapedText + "\"");
        if (start is { } from)
        {
            json.Obj("time").Num("start", from).Num("end", end).Close();
        }

        return json.Close().ToString();
    }

    /// <summary>What OpenCode publishes when a text or reasoning part starts streaming.</summary>
    public string TextStarted(string type, long start) =>
        json.Start().Str("type", type).Str("text", "").Obj("time").Num("start", start).Close().Close().ToString();

    private Json Tokens(in Usage usage) =>
        json.Obj("tokens").Num("total", usage.Total).Num("input", usage.Input).Num("output", usage.Output)
            .Num("reasoning", usage.Reasoning).Obj("cache").Num("write", usage.CacheWrite).Num("read", usage.CacheRead)
            .Close().Close();
}
