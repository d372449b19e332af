namespace OpenCodeUsage.Bench.Generator;

/// <summary>A subagent session run by a task tool: its id, title words, agent and when it ended.</summary>
internal sealed record ChildRun(string Id, string Description, string Agent, long End);

/// <summary>
/// Writes one assistant message (one model call) with its parts — step-start, reasoning, text, tool calls,
/// step-finish — and the events OpenCode publishes for them, and counts it in the expected totals.
/// </summary>
internal sealed class StepWriter(Generation g, EventLog events, TokenModel tokens, Func<SessionState, SessionPlan, long, ChildRun> runChild)
{
    private readonly Payloads _payloads = new(g.Json);
    private readonly ToolCalls _tools = new(g);

    public void Write(SessionState s, string userId, StepPlan step, bool answer, bool aborted, string mode, string agent)
    {
        var created = s.Clock + g.Between(15, 400);
        var id = g.Ids.Message(created);
        var parts = s.Recorded is null ? null : new List<string>();
        events.MessageUpdated(s, created, id, _payloads.AssistantStarted(userId, mode, agent, s.Project, s.Model, created));

        var t = created + g.LogNormal(1_200, 0.6, 150, 20_000);
        AddPart(s, id, parts, t, t + 1, _payloads.StepStart(s.Snapshot), started: null);
        var reasons = !aborted && s.Model.Reasoning && g.Chance(0.8);
        var usage = aborted ? default : tokens.Next(s, answer, reasons);
        var cost = aborted ? 0m : s.Model.Cost(usage);
        if (reasons)
        {
            t += g.Between(2, 6);
            var end = t + usage.Reasoning * g.Between(4, 12);
            // Most providers return a summary of the reasoning, shorter than the tokens billed for it.
            var text = g.Prose((int)Math.Min(usage.Reasoning, 3_000));
            AddPart(s, id, parts, t, end, _payloads.Text("reasoning", text, t, end), _payloads.TextStarted("reasoning", t));
            t = end;
        }

        if (answer || aborted || g.Chance(0.35))
        {
            t += g.Between(2, 6);
            var length = aborted ? g.Between(20, 300) : Math.Min(usage.Output * 2, 6_000);
            var end = t + length * g.Between(2, 6);
            AddPart(s, id, parts, t, end, _payloads.Text("text", g.Prose((int)length), t, end), _payloads.TextStarted("text", t));
            t = end;
        }

        for (var i = 0; i < step.Tools && !aborted; i++)
        {
            t = WriteTool(s, id, parts, t, i == 0 ? step.Child : null);
        }

        if (!aborted)
        {
            t += g.Between(10, 60);
            AddPart(s, id, parts, t, t + 1, _payloads.StepFinish(step.Tools > 0 ? "tool-calls" : "stop", s.Snapshot, usage, cost), started: null);
        }

        var completed = t + g.Between(1, 30);
        var finish = aborted ? null : step.Tools > 0 ? "tool-calls" : "stop";
        var data = _payloads.Assistant(userId, mode, agent, s.Project, usage, cost, s.Model, created, completed, finish);
        g.Db.Message(id, s.Id, created, completed + g.Between(1, 5), data);
        events.MessageUpdated(s, completed, id, data);
        s.Totals.Add(usage, cost);
        g.Expected.Assistant(created, usage, cost, isForkCopy: false);
        s.Recorded?.Add(new RecordedMessage(id, false, data, created, userId, usage, cost, parts!));
        s.Clock = completed;
    }

    private long WriteTool(SessionState s, string messageId, List<string>? parts, long t, SessionPlan? child)
    {
        var callId = _tools.CallId(s.Model);
        var start = t + g.Between(5, 40);
        ToolCall call;
        long end;
        if (child is not null)
        {
            // The subagent runs while the task tool waits; its session is written now, inside this step.
            var run = runChild(s, child, start + g.Between(10, 30));
            end = run.End + g.Between(5, 30);
            call = _tools.Task(s, callId, run.Id, run.Description, run.Agent, start, end);
        }
        else
        {
            var tool = Catalog.PickTool(g.Random);
            end = start + (tool == "bash" ? g.LogNormal(1_500, 1.4, 20, 600_000) : g.LogNormal(40, 1.0, 2, 5_000));
            call = _tools.Make(tool, s, start, end, callId);
        }

        var partId = g.Ids.Part(start);
        events.PartUpdated(s, start, messageId, partId, call.Pending);
        events.PartUpdated(s, start + 1, messageId, partId, call.Running);
        g.Db.Part(partId, messageId, s.Id, start, end + 1, call.Data);
        events.PartUpdated(s, end + 1, messageId, partId, call.Data);
        parts?.Add(call.Data);
        s.Pending += call.ResultTokens;
        if (call.ChangedFiles)
        {
            s.Snapshot = g.Ids.Hex(40);
        }

        return end + 2;
    }

    /// <summary>Writes a part; <paramref name="started"/> is the empty snapshot published when it began streaming.</summary>
    private void AddPart(SessionState s, string messageId, List<string>? parts, long start, long end, string data, string? started)
    {
        var partId = g.Ids.Part(start);
        if (started is not null)
        {
            events.PartUpdated(s, start, messageId, partId, started);
        }

        g.Db.Part(partId, messageId, s.Id, start, end + 1, data);
        events.PartUpdated(s, end + 1, messageId, partId, data);
        parts?.Add(data);
    }
}
