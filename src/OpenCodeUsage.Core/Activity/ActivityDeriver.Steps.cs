using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Activity;

/// <summary>
/// OpenCode 2.x rows (<c>session_message</c>): no parts; an assistant row is one step, inserted when it starts,
/// rewritten while it streams and stamped with finish, cost and tokens when it ends. Its tools are the
/// <c>content[]</c> entries of type tool. Usage no row carries (titles, compaction requests) shows only in the
/// session's <c>session_v2</c> totals, and is reported as one more step when they move past what the rows hold.
/// </summary>
internal sealed partial class ActivityDeriver
{
    private void ApplyStep(StepRow row, long nowMs, List<MessageState> ending)
    {
        if (!TryStepUsage(row.Data, out var usage))
        {
            return;
        }

        var content = StepContent.Parse(row.Data);
        var session = Session(row.SessionId);
        var created = row.Created > 0 ? row.Created : usage.Created;
        var isAssistant = row.Type == "assistant";
        if (!_messages.TryGetValue(row.Id, out var message))
        {
            // A fork copies its source's settled rows with their old creation times: they were never billed here.
            var isCopy = created > 0 && session.Row.Created > 0 && created < session.Row.Created;
            message = new MessageState(row.Id, row.SessionId, isAssistant, isCopy);
            _messages[row.Id] = message;
            if (!isAssistant || isCopy)
            {
                Retire(message);
            }
        }

        message.Agent = content?.Agent ?? message.Agent;
        message.ProviderId = content?.ProviderId ?? message.ProviderId;
        message.ModelId = content?.ModelId ?? message.ModelId;
        if (message.IsCopy || message.Ended || message.Started && !isAssistant)
        {
            return;
        }

        var at = created > 0 ? created : nowMs;
        switch (row.Type)
        {
            case "user":
                message.Started = true;
                Add(ActivityKind.Prompt, session, message, null, at, Rank.MessageStart);
                if (_filter.IncludeText && content?.Text is { } prompt)
                {
                    Add(ActivityKind.Text, session, message, row.Id, at, Rank.Part, text: prompt);
                }

                return;
            case "compaction":
                message.Started = true;
                Add(ActivityKind.Compaction, session, message, row.Id, at, Rank.Part);
                if (usage.HasTokens)
                {
                    Count(session, message, row.Id, usage, at, "compaction");
                }

                return;
            case "assistant":
                break;
            default:
                return;
        }

        if (!message.Started)
        {
            message.Started = true;
            Add(ActivityKind.MessageStarted, session, message, null, at, Rank.MessageStart);
            Add(ActivityKind.StepStarted, session, message, row.Id, at, Rank.Part);
        }

        foreach (var tool in content?.Tools ?? [])
        {
            StepTool(row, tool, session, message, at, nowMs);
        }

        var ended = usage.HasTokens || usage.ErrorName is not null;
        if (!ended)
        {
            return;
        }

        var end = usage.Completed > 0 ? usage.Completed : nowMs;
        if (_filter.IncludeText)
        {
            foreach (var (id, type, text) in content?.Texts ?? [])
            {
                Add(type == "text" ? ActivityKind.Text : ActivityKind.Reasoning, session, message, row.Id + "/" + id, end, Rank.Part, text: text);
            }
        }

        if (usage.HasTokens)
        {
            Count(session, message, row.Id, usage, end, usage.Finish);
        }

        if (usage.ErrorName is { } error)
        {
            Add(ActivityKind.MessageFailed, session, message, null, end, Rank.MessageEnd, error: error, detail: usage.Finish, failure: FailureOf(row.Data));
        }
        else
        {
            Add(ActivityKind.MessageCompleted, session, message, null, end, Rank.MessageEnd, detail: usage.Finish);
        }

        ending.Add(message);
    }

    private void StepTool(StepRow row, StepTool tool, SessionState session, MessageState message, long at, long nowMs)
    {
        var key = row.Id + "/" + tool.CallId;
        var flags = _parts.GetValueOrDefault(key);
        var seen = flags;
        if (Once(ref flags, PartFlags.Started))
        {
            Add(ActivityKind.ToolStarted, session, message, key, tool.Created > 0 ? tool.Created : at, Rank.Part,
                tool: tool.Name, callId: tool.CallId, detail: tool.Title);
        }

        if (tool.Status is "completed" or "error" && Once(ref flags, PartFlags.Ended))
        {
            var failed = tool.Status == "error";
            Add(failed ? ActivityKind.ToolFailed : ActivityKind.ToolCompleted, session, message, key,
                tool.Completed > 0 ? tool.Completed : nowMs, Rank.Part, tool: tool.Name, callId: tool.CallId, detail: tool.Title,
                error: failed ? tool.Error : null);
        }

        if (flags != seen)
        {
            _parts[key] = flags;
            message.Parts.Add(key);
        }
    }

    /// <summary>
    /// Usage a 2.x session's totals hold and no row of it does (a title, a compaction request): once no step of the
    /// session is mid-write, what <c>session_v2</c> says beyond the running totals is one more step, so the steps
    /// reported add up to OpenCode's own figures.
    /// </summary>
    private void Unrowed(SessionState session, long nowMs)
    {
        if (session.Row.Reported is not { } reported)
        {
            return;
        }

        session.Previous ??= _seeding ? reported : default;
        if (_seeding || _messages.Values.Any(m => m.SessionId == session.Row.Id && m.IsActive))
        {
            return;
        }

        var running = session.Totals ?? session.Previous.Value;
        var extra = new MessagePayload
        {
            Input = reported.Input - running.Input,
            Output = reported.Output - running.Output,
            Reasoning = reported.Reasoning - running.Reasoning,
            CacheRead = reported.CacheRead - running.CacheRead,
            CacheWrite = reported.CacheWrite - running.CacheWrite,
            Cost = (double)(reported.Cost - running.Cost),
            HasTokens = true,
            HasTotal = true,
        };
        extra.Total = extra.Input + extra.Output + extra.Reasoning + extra.CacheRead + extra.CacheWrite;
        var none = extra is { Input: 0, Output: 0, Reasoning: 0, CacheRead: 0, CacheWrite: 0 } && Math.Abs(extra.Cost) < 1e-12;
        var behind = extra.Input < 0 || extra.Output < 0 || extra.Reasoning < 0 || extra.CacheRead < 0 || extra.CacheWrite < 0 || extra.Cost < -1e-12;
        if (!none && !behind)
        {
            Count(session, null, null, extra, nowMs, "usage no message carries (title, compaction request)");
        }
    }

    /// <summary>
    /// A session the 2.x migration gave its session_v2 row in this very read: those totals already hold the steps this
    /// read reports, so they are taken off what the session starts from.
    /// </summary>
    private void LeaveOutOfMigrated(ChangeBatch batch)
    {
        foreach (var session in _migrated)
        {
            var start = session.Previous!.Value;
            foreach (var row in batch.Steps.Where(r => r.SessionId == session.Row.Id && r.Type is "assistant" or "compaction"))
            {
                if (!_messages.ContainsKey(row.Id) && TryStepUsage(row.Data, out var usage) && usage.HasTokens)
                {
                    start = Reported(start.Input - usage.Input, start.Output - usage.Output, start.Reasoning - usage.Reasoning,
                        start.CacheRead - usage.CacheRead, start.CacheWrite - usage.CacheWrite, (double)start.Cost - usage.Cost);
                }
            }

            session.Previous = start;
        }

        _migrated.Clear();
    }

    /// <summary>A 2.x row's usage. 2.x stores no total and its output never includes reasoning: it says so, or the 1.x rule would subtract it.</summary>
    internal static bool TryStepUsage(byte[] data, out MessagePayload usage)
    {
        if (!MessagePayload.TryParse(data, out usage))
        {
            return false;
        }

        usage.Total = usage.Input + usage.Output + usage.Reasoning + usage.CacheRead + usage.CacheWrite;
        usage.HasTotal = true;
        return true;
    }

    /// <summary>OpenCode's own totals of a 2.x session, from its <c>session_v2</c> columns.</summary>
    internal static TokenTotals Reported(long input, long output, long reasoning, long cacheRead, long cacheWrite, double cost)
    {
        var totals = default(TokenTotals);
        totals.Add(new MessagePayload
        {
            Input = input, Output = output, Reasoning = reasoning, CacheRead = cacheRead, CacheWrite = cacheWrite, Cost = cost,
            HasTotal = true, Total = input + output + reasoning + cacheRead + cacheWrite, HasTokens = true,
        });
        return totals;
    }
}
