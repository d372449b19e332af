using OpenCodeUsage.Activity;
using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>Events derived from the rows OpenCode 1.18.33 really wrote (tests/data/oc-1.18.33).</summary>
public sealed class ActivityDeriverTests
{
    private static readonly RecordedRows Rows = RecordedRows.Read(Path.Combine(RepoPaths.DataDir("oc-1.18.33"), "opencode.db"));
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1795750000000);
    private const string ForkTitleSuffix = "(fork #1)";

    private static ActivityDeriver Deriver(ActivityFilter? filter = null, TimeSpan? idleAfter = null) =>
        new(filter ?? new ActivityFilter(), new IdleTracker(idleAfter ?? TimeSpan.FromMinutes(15)), "/data", null);

    private static List<ActivityEvent> Replay(ActivityDeriver deriver) =>
        Rows.OneMessageAtATime().SelectMany(b => deriver.Apply(b, Now)).ToList();

    [Fact]
    public void Every_assistant_message_starts_steps_and_completes_once_in_order()
    {
        var events = Replay(Deriver());
        var fork = Rows.Sessions.Single(s => s.Title!.EndsWith(ForkTitleSuffix, StringComparison.Ordinal)).Id;
        var assistant = Rows.Messages.Where(m => System.Text.Encoding.UTF8.GetString(m.Data).Contains("\"role\":\"assistant\"", StringComparison.Ordinal)
                                                 && !(m.SessionId == fork && m.Created < Rows.Sessions.Single(s => s.Id == fork).Created)).ToList();
        foreach (var message in assistant)
        {
            var of = events.Where(e => e.MessageId == message.Id).Select(e => e.Kind).ToList();
            Assert.Equal(ActivityKind.MessageStarted, of[0]);
            Assert.Equal(ActivityKind.MessageCompleted, of[^1]);
            Assert.Equal(1, of.Count(k => k == ActivityKind.StepStarted));
            Assert.Equal(1, of.Count(k => k == ActivityKind.StepFinished));
            Assert.True(of.IndexOf(ActivityKind.StepStarted) < of.IndexOf(ActivityKind.StepFinished));
        }

        Assert.Equal(assistant.Count, events.Count(e => e.Kind == ActivityKind.StepFinished));
        Assert.All(events, e => Assert.Equal(Rows.Messages.FirstOrDefault(m => m.Id == e.MessageId)?.SessionId ?? e.SessionId, e.SessionId));
    }

    [Fact]
    public void Steps_carry_their_tokens_and_the_running_totals_end_at_OpenCodes_own_columns()
    {
        var events = Replay(Deriver());
        var fork = Rows.Sessions.Single(s => s.Title!.EndsWith(ForkTitleSuffix, StringComparison.Ordinal)).Id;
        foreach (var (session, columns) in Rows.Columns.Where(c => c.Key != fork))
        {
            var steps = events.Where(e => e.SessionId == session && e.Kind == ActivityKind.StepFinished).ToList();
            Assert.NotEmpty(steps);
            Assert.Equal(columns.Input, steps.Sum(s => s.InputTokens));
            Assert.Equal(columns.Output, steps.Sum(s => s.OutputTokens));
            Assert.Equal(columns.Reasoning, steps.Sum(s => s.ReasoningTokens));
            Assert.Equal(columns.CacheRead, steps.Sum(s => s.CacheReadTokens));
            Assert.Equal(columns.CacheWrite, steps.Sum(s => s.CacheWriteTokens));
            Assert.InRange(Math.Abs((double)steps.Sum(s => s.Cost!.Value) - columns.Cost), 0, 1e-9);
            Assert.Equal(columns.Input, steps[^1].SessionInputTokens);
            Assert.Equal(columns.Output + columns.Reasoning + columns.Input + columns.CacheRead + columns.CacheWrite, steps[^1].SessionTotalTokens);
            Assert.InRange(Math.Abs((double)steps[^1].SessionCost!.Value - columns.Cost), 0, 1e-9);
        }
    }

    [Fact]
    public void A_forks_copied_history_is_not_reported_but_its_own_turn_is()
    {
        var events = Replay(Deriver());
        var fork = Rows.Sessions.Single(s => s.Title!.EndsWith(ForkTitleSuffix, StringComparison.Ordinal));
        var copied = Rows.Messages.Where(m => m.SessionId == fork.Id && m.Created < fork.Created).Select(m => m.Id).ToHashSet();
        Assert.NotEmpty(copied);
        Assert.DoesNotContain(events, e => e.MessageId is not null && copied.Contains(e.MessageId));
        var own = events.Where(e => e.SessionId == fork.Id && e.Kind == ActivityKind.StepFinished).ToList();
        Assert.Single(own);
        // Its running total is its own step only: the copies were never billed to it.
        Assert.Equal(own[0].TotalTokens, own[0].SessionTotalTokens);
    }

    [Fact]
    public void The_task_tool_starts_and_completes_and_its_subagent_session_names_its_parent()
    {
        var events = Replay(Deriver());
        var started = Assert.Single(events, e => e.Kind == ActivityKind.ToolStarted);
        var completed = Assert.Single(events, e => e.Kind == ActivityKind.ToolCompleted);
        Assert.Equal("task", started.Tool);
        Assert.Equal(started.CallId, completed.CallId);
        Assert.Equal("Mock subtask", completed.Detail);
        Assert.True(started.Time <= completed.Time);
        var child = Rows.Sessions.Single(s => s.ParentId is not null);
        Assert.Contains(events, e => e.Kind == ActivityKind.SessionCreated && e.SessionId == child.Id && e.ParentSessionId == started.SessionId);
    }

    [Fact]
    public void Reading_the_same_rows_again_reports_nothing_new()
    {
        var deriver = Deriver();
        Assert.NotEmpty(deriver.Apply(Rows.All(), Now));
        Assert.Empty(deriver.Apply(Rows.All(), Now));
    }

    [Fact]
    public void Rows_taken_in_at_the_start_are_not_news()
    {
        var deriver = Deriver();
        deriver.Seed(Rows.All());
        Assert.Empty(deriver.Apply(Rows.All(), Now));
    }

    [Fact]
    public void Every_event_names_its_session_title_project_agent_and_model()
    {
        var events = Replay(Deriver());
        foreach (var e in events.Where(e => e.Kind == ActivityKind.StepFinished))
        {
            var session = Rows.Sessions.Single(s => s.Id == e.SessionId);
            Assert.Equal(session.Title, e.SessionTitle);
            Assert.Equal(Path.GetFileName(session.Directory), e.ProjectName);
            Assert.NotNull(e.Agent);
            Assert.StartsWith("mock", e.ProviderId, StringComparison.Ordinal);
            Assert.NotNull(e.ModelId);
            Assert.Equal("/data", e.DataPath);
        }
    }

    [Fact]
    public void Text_and_reasoning_snippets_only_when_asked()
    {
        Assert.DoesNotContain(Replay(Deriver()), e => e.Kind is ActivityKind.Text or ActivityKind.Reasoning);
        var events = Replay(Deriver(new ActivityFilter { IncludeText = true }));
        Assert.Contains(events, e => e.Kind == ActivityKind.Reasoning && e.Text!.StartsWith("Let me think step by step", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == ActivityKind.Text && e.Text == "fixture session 1 please say hi");
        Assert.Contains(events, e => e.Kind == ActivityKind.Text && e.Text!.StartsWith("Hi! This is a deterministic reply", StringComparison.Ordinal));
    }

    [Fact]
    public void Session_and_project_filters_keep_only_matching_events()
    {
        var beta = Rows.Sessions.First(s => s.Directory!.EndsWith("beta", StringComparison.Ordinal));
        var bySession = Replay(Deriver(new ActivityFilter { Session = id => id == beta.Id }));
        Assert.NotEmpty(bySession);
        Assert.All(bySession, e => Assert.Equal(beta.Id, e.SessionId));
        var byProject = Replay(Deriver(new ActivityFilter { Project = p => p == "beta" }));
        Assert.NotEmpty(byProject);
        Assert.All(byProject, e => Assert.Equal("beta", e.ProjectName));
    }

    [Fact]
    public void A_session_is_busy_before_its_first_event_and_idle_once_after_the_quiet_time()
    {
        var deriver = Deriver(idleAfter: TimeSpan.FromMinutes(1));
        var first = Rows.OneMessageAtATime().First();
        var events = deriver.Apply(first, Now);
        Assert.Equal(ActivityKind.SessionCreated, events[0].Kind);
        Assert.Equal(ActivityKind.SessionBusy, events[1].Kind);
        Assert.Single(events, e => e.Kind == ActivityKind.SessionBusy);
        Assert.Empty(deriver.IdleDue(Now.AddSeconds(59)));
        var idle = Assert.Single(deriver.IdleDue(Now.AddSeconds(61)));
        Assert.Equal(ActivityKind.SessionIdle, idle.Kind);
        Assert.Equal(Now.AddMinutes(1), idle.Time);
        Assert.Empty(deriver.IdleDue(Now.AddHours(1)));
    }

    [Fact]
    public void A_session_whose_reply_still_streams_is_not_idle_however_long_it_is_quiet()
    {
        // OpenCode writes the assistant message at its start and nothing more until it ends: a long reply is quiet.
        var deriver = Deriver(idleAfter: TimeSpan.FromMinutes(1));
        var reply = Rows.Messages.First(m => System.Text.Encoding.UTF8.GetString(m.Data).Contains("\"role\":\"assistant\"", StringComparison.Ordinal));
        var json = System.Text.Json.Nodes.JsonNode.Parse(reply.Data)!;
        json["time"]!.AsObject().Remove("completed");
        json.AsObject().Remove("finish");
        var streaming = new ChangeBatch();
        streaming.NewSessions.Add(Rows.Sessions.Single(x => x.Id == reply.SessionId));
        streaming.Messages.Add(reply with { Data = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()) });
        Assert.Contains(deriver.Apply(streaming, Now), e => e.Kind == ActivityKind.MessageStarted);
        Assert.Empty(deriver.IdleDue(Now.AddHours(2)));

        var ended = new ChangeBatch();
        ended.Messages.Add(reply);
        var later = Now.AddHours(2);
        Assert.Contains(deriver.Apply(ended, later), e => e.Kind == ActivityKind.MessageCompleted);
        Assert.Empty(deriver.IdleDue(later.AddSeconds(59)));
        Assert.Equal(ActivityKind.SessionIdle, Assert.Single(deriver.IdleDue(later.AddSeconds(61))).Kind);
    }

    [Theory]
    [InlineData(401, DelegateFailureKind.AuthFailed)]
    [InlineData(429, DelegateFailureKind.RateLimited)]
    public void A_failed_reply_in_the_database_carries_its_failure_kind(int status, DelegateFailureKind kind)
    {
        var deriver = Deriver();
        var reply = Rows.Messages.First(m => System.Text.Encoding.UTF8.GetString(m.Data).Contains("\"role\":\"assistant\"", StringComparison.Ordinal));
        var json = System.Text.Json.Nodes.JsonNode.Parse(reply.Data)!;
        json["error"] = System.Text.Json.Nodes.JsonNode.Parse("{\"name\":\"APIError\",\"data\":{\"message\":\"provider said no\",\"statusCode\":" + status + "}}");
        var batch = new ChangeBatch();
        batch.NewSessions.Add(Rows.Sessions.Single(x => x.Id == reply.SessionId));
        batch.Messages.Add(reply with { Data = System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()) });
        var failed = Assert.Single(deriver.Apply(batch, Now), e => e.Kind == ActivityKind.MessageFailed);
        Assert.Equal(("APIError", kind), (failed.Error, failed.FailureKind));
    }

    [Fact]
    public void A_long_watch_keeps_a_bounded_memory_of_messages_and_parts()
    {
        // The real rows again and again under new ids: thousands of answers, as in hours of use.
        var deriver = Deriver();
        for (var round = 0; round < 300; round++)
        {
            string Id(string id) => $"{id}_r{round}";
            var batch = new ChangeBatch();
            batch.NewSessions.AddRange(Rows.Sessions.Select(s => s with { Id = Id(s.Id), ParentId = s.ParentId is null ? null : Id(s.ParentId) }));
            batch.Messages.AddRange(Rows.Messages.Select(m => m with { Id = Id(m.Id), SessionId = Id(m.SessionId) }));
            batch.Parts.AddRange(Rows.Parts.Select(p => p with { Id = Id(p.Id), MessageId = Id(p.MessageId), SessionId = Id(p.SessionId) }));
            Assert.NotEmpty(deriver.Apply(batch, Now));
        }

        Assert.Empty(deriver.ActiveMessages);
        Assert.InRange(deriver.TrackedMessages, 0, 1024 + Rows.Messages.Count);
        Assert.InRange(deriver.TrackedParts, 0, 0);
    }
}
