using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Turns changed rows into activity events. It remembers what it has already reported of every part and
/// message, so a row read twice (it changed, or two ways of reading found it) reports only what is new, and
/// each tool call, step and message is reported once. Sources feed it batches; it never reads anything itself.
/// </summary>
internal sealed partial class ActivityDeriver
{
    /// <summary>Ended messages whose state is kept for late rows; older ones are forgotten so a long watch stays small.</summary>
    private const int EndedMessagesKept = 1024;

    private readonly ActivityFilter _filter;
    private readonly IdleTracker _idle;
    private readonly string? _dataPath;
    private readonly string? _server;
    private readonly Dictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProjectRecord> _projects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MessageState> _messages = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PartFlags> _parts = new(StringComparer.Ordinal);
    private readonly Queue<string> _ended = new();
    private readonly List<SessionState> _migrated = [];
    private readonly Dictionary<string, long> _idleSeen = new(StringComparer.Ordinal);
    private readonly BoundedSet _promptParts = new(EndedMessagesKept);
    private readonly List<Pending> _pending = [];
    private HashSet<string> _batchParts = new(StringComparer.Ordinal);
    private bool _seeding;

    public ActivityDeriver(ActivityFilter filter, IdleTracker idle, string? dataPath, string? server)
    {
        _filter = filter;
        _idle = idle;
        _dataPath = dataPath;
        _server = server;
    }

    /// <summary>
    /// A session's totals before the steps of the current batch: called once per session, at its first step
    /// of the watch, with the ids of the batch's parts (which are not yet counted).
    /// </summary>
    public Func<string, IReadOnlySet<string>, TokenTotals>? Baseline { get; set; }

    /// <summary>Assistant messages begun and not yet ended: the ones whose rows may still change.</summary>
    public IEnumerable<string> ActiveMessages => _messages.Where(m => m.Value.IsActive).Select(m => m.Key);

    public int TrackedMessages => _messages.Count;

    public int TrackedParts => _parts.Count;

    public bool KnowsSession(string id) => _sessions.ContainsKey(id);

    public bool KnowsMessage(string id) => _messages.ContainsKey(id);

    public bool KnowsProject(string id) => _projects.ContainsKey(id);

    public void SetProjects(IEnumerable<ProjectRecord> projects)
    {
        foreach (var project in projects)
        {
            _projects[project.Id] = project;
        }
    }

    /// <summary>Takes in rows as they are now without reporting anything: what the watch starts from.</summary>
    public void Seed(ChangeBatch batch)
    {
        _seeding = true;
        try
        {
            Apply(batch, DateTimeOffset.UtcNow);
        }
        finally
        {
            _seeding = false;
        }
    }

    /// <summary>The events a batch of changed rows means, oldest first, with SessionBusy before a session's first activity.</summary>
    public List<ActivityEvent> Apply(ChangeBatch batch, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        _batchParts = batch.Parts.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var row in batch.NewSessions)
        {
            var isNew = !_sessions.ContainsKey(row.Id);
            var state = Remember(row);
            if (isNew)
            {
                Add(ActivityKind.SessionCreated, state, null, null, row.Created > 0 ? row.Created : nowMs, Rank.Session);
            }
        }

        foreach (var row in batch.UpdatedSessions)
        {
            Remember(row);
        }

        LeaveOutOfMigrated(batch);

        var ending = new List<MessageState>();
        foreach (var row in batch.Messages)
        {
            ApplyMessage(row, nowMs, ending);
        }

        foreach (var row in batch.Parts)
        {
            ApplyPart(row, nowMs);
        }

        foreach (var row in batch.Steps)
        {
            ApplyStep(row, nowMs, ending);
        }

        foreach (var message in ending)
        {
            End(message);
        }

        foreach (var row in batch.NewSessions.Concat(batch.UpdatedSessions).DistinctBy(r => r.Id))
        {
            Unrowed(Session(row.Id), nowMs);
        }

        var events = Flush(now);
        foreach (var row in batch.NewSessions.Concat(batch.UpdatedSessions))
        {
            WentIdle(row, events);
        }

        return events;
    }

    /// <summary>
    /// OpenCode 2.x writes when a session went idle and how (<c>session_v2.time_idle</c>, <c>idle_outcome</c>): a time
    /// not seen before is one SessionIdle at that time, its outcome as Detail, placed among the batch's events by time.
    /// It also ends the quiet-time wait of -IdleAfter for that session, unless the session was active again after it.
    /// </summary>
    private void WentIdle(SessionRow row, List<ActivityEvent> events)
    {
        if (row.Idle is not { } idle || (_idleSeen.TryGetValue(row.Id, out var seen) && seen >= idle))
        {
            return;
        }

        _idleSeen[row.Id] = idle;
        if (_seeding)
        {
            return; // the state the watch starts from, not news
        }

        var session = Session(row.Id);
        var e = Make(ActivityKind.SessionIdle, session, null, null, idle, detail: row.IdleOutcome ?? session.Row.IdleOutcome);
        var at = events.FindLastIndex(x => x.Time <= e.Time) + 1;
        if (!events.Skip(at).Any(x => x.SessionId == row.Id))
        {
            _idle.MarkIdle(row.Id);
        }

        if (_filter.Passes(e, session.Row.Directory))
        {
            events.Insert(at, e);
        }
    }

    /// <summary>SessionIdle for every session quiet for the idle time by <paramref name="now"/>.</summary>
    public List<ActivityEvent> IdleDue(DateTimeOffset now)
    {
        var events = new List<ActivityEvent>();
        foreach (var (sessionId, idleAt) in _idle.Due(now))
        {
            var e = Make(ActivityKind.SessionIdle, Session(sessionId), null, null, idleAt.ToUnixTimeMilliseconds());
            if (_filter.Passes(e, Session(sessionId).Row.Directory))
            {
                events.Add(e);
            }
        }

        return events;
    }

    /// <summary>
    /// A state only the server knows (session.status, permissions, questions, errors). Busy and Idle are
    /// reported on a change only; the rest every time.
    /// </summary>
    public List<ActivityEvent> Signal(ActivityKind kind, string sessionId, DateTimeOffset now, string? detail = null, string? error = null,
        DelegateFailureKind? failure = null)
    {
        var session = Session(sessionId);
        var nowMs = now.ToUnixTimeMilliseconds();
        switch (kind)
        {
            case ActivityKind.SessionIdle:
                if (_idle.MarkIdle(sessionId))
                {
                    Add(kind, session, null, null, nowMs, Rank.Session, detail: detail);
                }

                return Flush(now, touch: false);
            case ActivityKind.SessionBusy:
                if (_idle.Touch(sessionId, now))
                {
                    Add(kind, session, null, null, nowMs, Rank.Session);
                }

                return Flush(now, touch: false);
            default:
                Add(kind, session, null, null, nowMs, Rank.Part, detail: detail, error: error, failure: failure);
                return Flush(now);
        }
    }

    private SessionState Remember(SessionRow row)
    {
        if (_sessions.TryGetValue(row.Id, out var state))
        {
            // A 1.x session the migration gave a session_v2 row: its totals are its history, not news.
            if (state.Row.Reported is null && row.Reported is not null && state.Row.Created > 0 && state.Previous is null)
            {
                state.Previous = row.Reported;
                _migrated.Add(state);
            }

            // A row from a source that knows less (a part before its session) must not erase what is known.
            state.Row = row with
            {
                Title = row.Title ?? state.Row.Title,
                ProjectId = row.ProjectId ?? state.Row.ProjectId,
                ParentId = row.ParentId ?? state.Row.ParentId,
                Directory = row.Directory ?? state.Row.Directory,
                Created = row.Created > 0 ? row.Created : state.Row.Created,
                Reported = row.Reported ?? state.Row.Reported,
                Idle = row.Idle ?? state.Row.Idle,
                IdleOutcome = row.IdleOutcome ?? state.Row.IdleOutcome,
            };
            return state;
        }

        state = new SessionState(row);
        _sessions[row.Id] = state;
        return state;
    }

    /// <summary>The failure a stored message or step names in its "error", classified as a delegated run's would be.</summary>
    internal static DelegateFailureKind? FailureOf(byte[] data)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(data);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("error", out var error)
                ? Delegation.EventError.From(error).Kind
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private SessionState Session(string id) =>
        _sessions.TryGetValue(id, out var state) ? state : Remember(new SessionRow(id, null, null, null, null, 0));

    private void ApplyMessage(MessageRow row, long nowMs, List<MessageState> ending)
    {
        if (!MessagePayload.TryParse(row.Data, out var payload))
        {
            return;
        }

        var session = Session(row.SessionId);
        var created = row.Created > 0 ? row.Created : payload.Created;
        if (!_messages.TryGetValue(row.Id, out var message))
        {
            // A fork copies its source's messages with their old creation times: they were never billed here.
            var isCopy = created > 0 && session.Row.Created > 0 && created < session.Row.Created;
            message = new MessageState(row.Id, row.SessionId, payload.IsAssistant, isCopy);
            _messages[row.Id] = message;
            if (!message.IsAssistant || isCopy)
            {
                Retire(message); // prompts and copies never change again: kept a while for their late parts, then forgotten
            }
        }

        message.Agent = payload.EffectiveAgent ?? message.Agent;
        message.ProviderId = payload.ProviderId ?? message.ProviderId;
        message.ModelId = payload.ModelId ?? message.ModelId;
        if (message.IsCopy || message.Ended)
        {
            return;
        }

        var createdAt = created > 0 ? created : nowMs;
        if (!message.IsAssistant)
        {
            if (!message.Started && payload.HasRole)
            {
                message.Started = true;
                Add(ActivityKind.Prompt, session, message, null, createdAt, Rank.MessageStart);
            }

            return;
        }

        if (!message.Started)
        {
            message.Started = true;
            Add(ActivityKind.MessageStarted, session, message, null, createdAt, Rank.MessageStart);
        }

        if (payload.ErrorName is { } error)
        {
            Add(ActivityKind.MessageFailed, session, message, null, payload.Completed > 0 ? payload.Completed : nowMs, Rank.MessageEnd,
                error: error, detail: payload.Finish, failure: FailureOf(row.Data));
            ending.Add(message);
        }
        else if (payload.Completed > 0)
        {
            Add(ActivityKind.MessageCompleted, session, message, null, payload.Completed, Rank.MessageEnd, detail: payload.Finish);
            ending.Add(message);
        }
    }

    private void ApplyPart(PartRow row, long nowMs)
    {
        if (!PartPayload.TryParse(row.Data, out var part))
        {
            return;
        }

        var message = _messages.GetValueOrDefault(row.MessageId);
        if (message is { IsCopy: true } or { Ended: true })
        {
            return; // a fork's copy, or an answer already reported whole
        }

        if (message is { IsAssistant: false })
        {
            // A prompt's parts: only its text is news, written whole, once.
            if (_filter.IncludeText && part.Type == "text" && part.Text is not null && _promptParts.Add(row.Id))
            {
                Add(ActivityKind.Text, Session(row.SessionId), message, row.Id, row.Created > 0 ? row.Created : nowMs, Rank.Part, text: part.Text);
            }

            return;
        }

        var session = Session(row.SessionId);
        var flags = _parts.GetValueOrDefault(row.Id);
        var seen = flags;
        var at = row.Created > 0 ? row.Created : nowMs;
        switch (part.Type)
        {
            case "step-start":
                if (Once(ref flags, PartFlags.Started))
                {
                    Add(ActivityKind.StepStarted, session, message, row.Id, at, Rank.Part);
                }

                break;
            case "tool":
                ApplyTool(row, part, session, message, ref flags, at, nowMs);
                break;
            case "step-finish":
                if (Once(ref flags, PartFlags.Ended))
                {
                    Step(row, part, session, message, at);
                }

                break;
            case "text" or "reasoning" when _filter.IncludeText:
                // An answer's text is written whole when it ends (time.end).
                if (part.End > 0 && part.Text is not null && Once(ref flags, PartFlags.Ended))
                {
                    Add(part.Type == "text" ? ActivityKind.Text : ActivityKind.Reasoning, session, message, row.Id,
                        part.End > 0 ? part.End : at, Rank.Part, text: part.Text);
                }

                break;
            case "retry":
                if (Once(ref flags, PartFlags.Ended))
                {
                    Add(ActivityKind.SessionRetry, session, message, row.Id, part.Start > 0 ? part.Start : at, Rank.Part,
                        detail: part.Attempt > 0 ? $"attempt {part.Attempt}" : null, error: part.Error);
                }

                break;
            case "compaction":
                if (Once(ref flags, PartFlags.Ended))
                {
                    Add(ActivityKind.Compaction, session, message, row.Id, at, Rank.Part);
                }

                break;
        }

        if (flags != seen)
        {
            _parts[row.Id] = flags;
            message?.Parts.Add(row.Id);
        }
    }

    private void ApplyTool(PartRow row, in PartPayload part, SessionState session, MessageState? message, ref PartFlags flags, long at, long nowMs)
    {
        // A tool fast enough to finish between two reads is first seen completed: it still gets its start.
        if (Once(ref flags, PartFlags.Started))
        {
            Add(ActivityKind.ToolStarted, session, message, row.Id, part.Start > 0 ? part.Start : at, Rank.Part,
                tool: part.Tool, callId: part.CallId, detail: part.Title);
        }

        if (part.Status is "completed" or "error" && Once(ref flags, PartFlags.Ended))
        {
            var failed = part.Status == "error";
            Add(failed ? ActivityKind.ToolFailed : ActivityKind.ToolCompleted, session, message, row.Id,
                part.End > 0 ? part.End : nowMs, Rank.Part, tool: part.Tool, callId: part.CallId, detail: part.Title,
                error: failed ? part.Error : null);
        }
    }

    private void Step(PartRow row, in PartPayload part, SessionState session, MessageState? message, long at)
    {
        if (!MessagePayload.TryParse(row.Data, out var usage))
        {
            usage = default;
        }

        Count(session, message, row.Id, usage, at, part.Reason);
    }

    /// <summary>A finished step's usage: its own figures and the session's running totals after it.</summary>
    private void Count(SessionState session, MessageState? message, string? partId, in MessagePayload usage, long at, string? detail)
    {
        if (_seeding)
        {
            return; // already counted in the baseline the first step of the watch will read
        }

        // A 2.x session's totals before this read are OpenCode's own (session_v2); a 1.x one's are summed from its rows.
        session.Totals ??= session.Row.Reported is not null ? session.Previous ?? default
            : Baseline?.Invoke(session.Row.Id, _batchParts) ?? session.Row.Totals ?? default;

        var totals = session.Totals.Value;
        totals.Add(usage);
        session.Totals = totals;
        var step = new StepFigures(usage.Input, usage.OutputWithoutReasoning, usage.Reasoning, usage.CacheRead, usage.CacheWrite,
            TokenTotals.ToDecimal(usage.Cost), totals);
        Add(ActivityKind.StepFinished, session, message, partId, at, Rank.Part, detail: detail, step: step);
    }

    private void End(MessageState message)
    {
        message.Ended = true;
        foreach (var part in message.Parts)
        {
            _parts.Remove(part);
        }

        message.Parts.Clear();
        Retire(message);
    }

    private void Retire(MessageState message)
    {
        _ended.Enqueue(message.Id);
        while (_ended.Count > EndedMessagesKept && _ended.TryDequeue(out var old))
        {
            if (_messages.TryGetValue(old, out var forgotten) && !forgotten.IsActive)
            {
                _messages.Remove(old);
            }
        }
    }

    private static bool Once(ref PartFlags flags, PartFlags flag)
    {
        if ((flags & flag) != 0)
        {
            return false;
        }

        flags |= flag;
        return true;
    }

    private void Add(ActivityKind kind, SessionState session, MessageState? message, string? partId, long timeMs, Rank rank,
        string? tool = null, string? callId = null, string? detail = null, string? error = null, string? text = null, StepFigures? step = null,
        DelegateFailureKind? failure = null)
    {
        if (_seeding)
        {
            return;
        }

        _pending.Add(new Pending(Make(kind, session, message, partId, timeMs, tool, callId, detail, error, text, step, failure), timeMs, rank, _pending.Count));
    }

    private List<ActivityEvent> Flush(DateTimeOffset now, bool touch = true)
    {
        _pending.Sort(static (a, b) => a.TimeMs != b.TimeMs ? a.TimeMs.CompareTo(b.TimeMs)
            : a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Sequence.CompareTo(b.Sequence));
        var events = new List<ActivityEvent>(_pending.Count);
        foreach (var pending in _pending)
        {
            var e = pending.Event;
            var directory = Session(e.SessionId).Row.Directory;
            var passes = _filter.Passes(e, directory);
            if (passes && e.Kind == ActivityKind.SessionCreated)
            {
                events.Add(e); // created, then busy
            }

            if (e.MessageId is { } replyId)
            {
                if (e.Kind == ActivityKind.MessageStarted)
                {
                    _idle.ReplyStarted(e.SessionId, replyId);
                }
                else if (e.Kind is ActivityKind.MessageCompleted or ActivityKind.MessageFailed)
                {
                    _idle.ReplyEnded(e.SessionId, replyId);
                }
            }

            if (touch && _idle.Touch(e.SessionId, now))
            {
                var busy = Make(ActivityKind.SessionBusy, Session(e.SessionId), null, null, pending.TimeMs);
                if (_filter.Passes(busy, directory))
                {
                    events.Add(busy);
                }
            }

            if (passes && e.Kind != ActivityKind.SessionCreated)
            {
                events.Add(e);
            }
        }

        _pending.Clear();
        return events;
    }

    private ActivityEvent Make(ActivityKind kind, SessionState session, MessageState? message, string? partId, long timeMs,
        string? tool = null, string? callId = null, string? detail = null, string? error = null, string? text = null, StepFigures? step = null,
        DelegateFailureKind? failure = null)
    {
        var row = session.Row;
        var project = row.ProjectId is null ? null : _projects.GetValueOrDefault(row.ProjectId);
        return new ActivityEvent
        {
            Time = Time.FromUnixMilliseconds(timeMs),
            Kind = kind,
            SessionId = row.Id,
            SessionTitle = row.Title,
            ParentSessionId = row.ParentId,
            ProjectId = row.ProjectId,
            ProjectName = project?.DisplayName ?? (row.Directory is { Length: > 0 } d ? ProjectRecord.PathLeaf(d) : row.ProjectId),
            MessageId = message?.Id,
            PartId = partId,
            Agent = message?.Agent,
            ProviderId = message?.ProviderId,
            ModelId = message?.ModelId,
            Tool = tool,
            CallId = callId,
            Detail = detail,
            Error = error,
            FailureKind = failure,
            Text = text,
            InputTokens = step?.Input,
            OutputTokens = step?.Output,
            ReasoningTokens = step?.Reasoning,
            CacheReadTokens = step?.CacheRead,
            CacheWriteTokens = step?.CacheWrite,
            Cost = step?.Cost,
            SessionInputTokens = step?.Totals.Input,
            SessionOutputTokens = step?.Totals.Output,
            SessionReasoningTokens = step?.Totals.Reasoning,
            SessionCacheReadTokens = step?.Totals.CacheRead,
            SessionCacheWriteTokens = step?.Totals.CacheWrite,
            SessionCost = step?.Totals.Cost,
            DataPath = _dataPath,
            Server = _server,
        };
    }

    /// <summary>A set that forgets its oldest members beyond a size: dedup for a long watch without growth.</summary>
    private sealed class BoundedSet(int capacity)
    {
        private readonly HashSet<string> _set = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool Add(string item)
        {
            if (!_set.Add(item))
            {
                return false;
            }

            _order.Enqueue(item);
            while (_order.Count > capacity)
            {
                _set.Remove(_order.Dequeue());
            }

            return true;
        }
    }

    private enum Rank
    {
        Session,
        MessageStart,
        Part,
        MessageEnd,
    }

    [Flags]
    private enum PartFlags : byte
    {
        None = 0,
        Started = 1,
        Ended = 2,
    }

    private readonly record struct Pending(ActivityEvent Event, long TimeMs, Rank Rank, int Sequence);

    private readonly record struct StepFigures(long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, decimal Cost, TokenTotals Totals);

    private sealed class SessionState(SessionRow row)
    {
        public SessionRow Row { get; set; } = row;

        public TokenTotals? Totals { get; set; }

        /// <summary>A 2.x session's <c>session_v2</c> totals as the last read left them (0 for a session born in the watch).</summary>
        public TokenTotals? Previous { get; set; }
    }

    private sealed class MessageState(string id, string sessionId, bool isAssistant, bool isCopy)
    {
        public string Id { get; } = id;
        public string SessionId { get; } = sessionId;
        public bool IsAssistant { get; } = isAssistant;
        public bool IsCopy { get; } = isCopy;
        public bool Started { get; set; }
        public bool Ended { get; set; }
        public string? Agent { get; set; }
        public string? ProviderId { get; set; }
        public string? ModelId { get; set; }
        public List<string> Parts { get; } = [];

        public bool IsActive => IsAssistant && Started && !Ended && !IsCopy;
    }
}
