using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// Server mode against a 2.x server: GET /api/event read by the 2.x mapper into the same events a 1.x server's give.
/// Event shapes from @opencode-ai/sdk 1.19.3's V2Event (the preview's <c>session.next.*</c> names) and 2.0.x's
/// <c>session.*</c> names; the stream from <see cref="V2ServeMock"/>.
/// </summary>
public sealed class V2ServerWatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private const long T0 = 1796276196594;

    private static JsonObject Data(string session, long at, params (string Key, JsonNode? Value)[] fields)
    {
        var data = new JsonObject { ["timestamp"] = at, ["sessionID"] = session };
        foreach (var (key, value) in fields)
        {
            data[key] = value;
        }

        return data;
    }

    private static JsonObject Tokens(long input, long output) => new()
    {
        ["input"] = input, ["output"] = output, ["reasoning"] = 0, ["cache"] = new JsonObject { ["read"] = 0, ["write"] = 0 },
    };

    /// <summary>One step with a tool call, as the preview (prefix "session.next.") or 2.0.x (prefix "session.") tells it.</summary>
    private static List<string> OneStep(string prefix)
    {
        string E(string type, JsonObject data) => new JsonObject { ["id"] = "evt_" + type, ["type"] = type, ["location"] = new JsonObject { ["directory"] = "/srv/alpha" }, ["data"] = data }.ToJsonString();
        return
        [
            E("session.created", new JsonObject
            {
                ["sessionID"] = "ses_1",
                ["info"] = new JsonObject { ["id"] = "ses_1", ["projectID"] = "global", ["title"] = "Fix the build", ["location"] = new JsonObject { ["directory"] = "/srv/alpha" }, ["time"] = new JsonObject { ["created"] = T0 }, ["cost"] = 0, ["tokens"] = Tokens(0, 0) },
            }),
            E(prefix + "prompted", Data("ses_1", T0 + 1, ("messageID", "msg_u"), ("prompt", new JsonObject { ["text"] = "fix it" }), ("delivery", "steer"))),
            E(prefix + "step.started", Data("ses_1", T0 + 2, ("assistantMessageID", "msg_a"), ("agent", "build"), ("model", new JsonObject { ["id"] = "mock-fast", ["providerID"] = "mock" }))),
            E(prefix + "tool.input.started", Data("ses_1", T0 + 3, ("assistantMessageID", "msg_a"), ("callID", "call_1"), ("name", "bash"))),
            E(prefix + "tool.called", Data("ses_1", T0 + 4, ("assistantMessageID", "msg_a"), ("callID", "call_1"), ("tool", "bash"), ("input", new JsonObject()))),
            E(prefix + "tool.success", Data("ses_1", T0 + 5, ("assistantMessageID", "msg_a"), ("callID", "call_1"), ("structured", new JsonObject()), ("content", new JsonArray()))),
            E(prefix + "text.ended", Data("ses_1", T0 + 6, ("assistantMessageID", "msg_a"), ("textID", "txt_1"), ("text", "Done."))),
            E(prefix + "step.ended", Data("ses_1", T0 + 7, ("assistantMessageID", "msg_a"), ("finish", "stop"), ("cost", 0.25), ("tokens", Tokens(100, 20)))),
            E("session.execution.succeeded", Data("ses_1", T0 + 8)),
        ];
    }

    private static async Task<List<ActivityEvent>> Feed(IEnumerable<string> events, bool includeText = false)
    {
        using var source = new ServerActivitySource(new Uri("http://127.0.0.1:1/"),
            new ActivityOptions { Filter = new ActivityFilter { IncludeText = includeText } }, TestEnvironment.Isolated);
        source.AssumeV2();
        var all = new List<ActivityEvent>();
        foreach (var data in events)
        {
            foreach (var mapped in source.Map(data))
            {
                all.AddRange(await source.HandleAsync(mapped, lookUp: false, CancellationToken.None));
            }
        }

        return all;
    }

    [Theory]
    [InlineData("session.next.")]
    [InlineData("session.")]
    public async Task A_step_told_in_events_gives_the_events_a_1x_server_gives(string prefix)
    {
        var events = await Feed(OneStep(prefix), includeText: true);
        Assert.Equal(
            [
                ActivityKind.SessionCreated, ActivityKind.SessionBusy, ActivityKind.Prompt, ActivityKind.Text, ActivityKind.MessageStarted,
                ActivityKind.StepStarted, ActivityKind.ToolStarted, ActivityKind.ToolCompleted, ActivityKind.Text, ActivityKind.StepFinished,
                ActivityKind.MessageCompleted, ActivityKind.SessionIdle,
            ],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal("Fix the build", e.SessionTitle));
        var step = events.Single(e => e.Kind == ActivityKind.StepFinished);
        Assert.Equal((100L, 20L, 0.25m, 0.25m), (step.InputTokens!.Value, step.OutputTokens!.Value, step.Cost!.Value, step.SessionCost!.Value));
        Assert.Equal("mock/mock-fast", step.Model);
        Assert.Equal("build", step.Agent);
        Assert.Equal("bash", events.Single(e => e.Kind == ActivityKind.ToolCompleted).Tool);
        Assert.Equal("Done.", events.Last(e => e.Kind == ActivityKind.Text).Text);
        var idle = events[^1];
        Assert.Equal("succeeded", idle.Detail);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 8), idle.Time); // since when: the server's own time
    }

    [Theory]
    [InlineData("session.next.step.failed", """{"type":"unknown","message":"429 Too Many Requests: rate limit reached"}""", ActivityKind.MessageFailed, DelegateFailureKind.RateLimited)]
    [InlineData("session.step.failed", """{"type":"provider","message":"maximum context length is 8192 tokens"}""", ActivityKind.MessageFailed, DelegateFailureKind.ContextOverflow)]
    [InlineData("session.error", """{"name":"APIError","data":{"message":"Unauthorized","statusCode":401,"isRetryable":false}}""", ActivityKind.SessionError, DelegateFailureKind.AuthFailed)]
    [InlineData("session.error", """{"name":"APIError","data":{"message":"Too Many Requests","statusCode":429,"isRetryable":true}}""", ActivityKind.SessionError, DelegateFailureKind.RateLimited)]
    [InlineData("session.execution.failed", """{"type":"provider","message":"503 Service Unavailable"}""", ActivityKind.SessionError, DelegateFailureKind.ProviderUnavailable)]
    [InlineData("session.next.retried", """{"message":"Overloaded","statusCode":529,"isRetryable":true}""", ActivityKind.SessionRetry, DelegateFailureKind.ProviderUnavailable)]
    public async Task Failures_carry_their_classification_as_delegate_results_do(string type, string error, ActivityKind kind, DelegateFailureKind failure)
    {
        var data = Data("ses_f", T0, ("assistantMessageID", "msg_f"), ("attempt", 2), ("error", JsonNode.Parse(error)));
        var events = await Feed(
        [
            new JsonObject { ["type"] = "session.next.step.started", ["data"] = Data("ses_f", T0 - 1, ("assistantMessageID", "msg_f"), ("agent", "build")) }.ToJsonString(),
            new JsonObject { ["type"] = type, ["data"] = data }.ToJsonString(),
        ]);
        var e = Assert.Single(events, x => x.Kind == kind);
        Assert.Equal(failure, e.FailureKind);
        Assert.NotNull(e.Error);
    }

    [Fact]
    public async Task Waiting_states_are_reported_with_what_is_asked_and_since_when()
    {
        string E(string type, JsonObject data) => new JsonObject { ["id"] = "evt", ["type"] = type, ["data"] = data }.ToJsonString();
        var events = await Feed(
        [
            E("session.execution.started", Data("ses_w", T0)),
            E("permission.v2.asked", Data("ses_w", T0 + 10, ("id", "per_1"), ("action", "bash"), ("resources", new JsonArray("rm -rf build")))),
            E("permission.v2.replied", Data("ses_w", T0 + 20, ("requestID", "per_1"), ("reply", "once"))),
            E("question.v2.asked", Data("ses_w", T0 + 30, ("id", "que_1"), ("questions", new JsonArray(new JsonObject { ["question"] = "Which branch?", ["header"] = "Branch", ["options"] = new JsonArray() })))),
            E("question.v2.rejected", Data("ses_w", T0 + 40, ("requestID", "que_1"))),
            E("session.status", new JsonObject { ["sessionID"] = "ses_w", ["status"] = new JsonObject { ["type"] = "retry", ["attempt"] = 3, ["message"] = "rate limit exceeded", ["next"] = T0 + 99 } }),
            E("session.execution.interrupted", Data("ses_w", T0 + 50, ("reason", "user"))),
        ]);
        Assert.Equal(
            [
                (ActivityKind.SessionBusy, (string?)null), (ActivityKind.PermissionAsked, "bash: rm -rf build"), (ActivityKind.PermissionReplied, "once"),
                (ActivityKind.QuestionAsked, "Which branch?"), (ActivityKind.QuestionReplied, "rejected"), (ActivityKind.SessionRetry, "attempt 3"),
                (ActivityKind.SessionIdle, "interrupted (user)"),
            ],
            events.Select(e => (e.Kind, e.Detail)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 10), events[1].Time);
        Assert.Equal(DelegateFailureKind.RateLimited, events[5].FailureKind);
    }

    [Fact]
    public void Steps_never_ended_are_not_kept_without_bound()
    {
        var mapper = new V2EventMapper();
        for (var i = 0; i < V2EventMapper.MaxOpenSteps * 4; i++)
        {
            mapper.Map(new JsonObject { ["type"] = "session.step.started", ["data"] = Data("ses_x", T0, ("assistantMessageID", "msg_" + i)) }.ToJsonString());
        }

        Assert.Equal(V2EventMapper.MaxOpenSteps, mapper.OpenSteps);

        // Steps that end are forgotten, however many a long watch sees.
        for (var i = 0; i < V2EventMapper.MaxOpenSteps * 10; i++)
        {
            mapper.Map(new JsonObject { ["type"] = "session.step.started", ["data"] = Data("ses_y", T0, ("assistantMessageID", "end_" + i)) }.ToJsonString());
            mapper.Map(new JsonObject { ["type"] = "session.step.ended", ["data"] = Data("ses_y", T0, ("assistantMessageID", "end_" + i), ("tokens", Tokens(1, 1))) }.ToJsonString());
        }

        Assert.InRange(mapper.QueuedSteps, 0, 2 * V2EventMapper.MaxOpenSteps);
    }

    [Fact]
    public void The_2x_stream_is_found_read_with_Basic_auth_and_the_password_is_never_shown()
    {
        using var mock = new V2ServeMock();
        mock.AddSession("ses_l", "Looked up", "/srv/beta", cost: 1.5, input: 1000, output: 100);
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            Server = mock.BaseUri,
            Credential = new NetworkCredential(string.Empty, V2ServeMock.Password),
        }, TestEnvironment.Isolated));
        WaitUntil(() => mock.StreamsOpened == 1);
        Thread.Sleep(200); // the stream's headers are read: events published now reach it
        mock.Publish("session.next.step.started", Data("ses_l", T0, ("assistantMessageID", "msg_l"), ("agent", "build")));
        mock.Publish("session.next.step.ended", Data("ses_l", T0 + 5, ("assistantMessageID", "msg_l"), ("finish", "stop"), ("cost", 0.5), ("tokens", Tokens(10, 2))));
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        Assert.Equal("Looked up", step.SessionTitle); // a session begun before the watch: GET /api/session/{id}
        Assert.Equal(2.0m, step.SessionCost);
        Assert.Equal(1010, step.SessionInputTokens);
        Assert.Equal(["/global/event", "/event", "/global/health", "/api/health", "/api/event"], mock.Requests.Select(r => r.Path).Take(5));
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + V2ServeMock.Password));
        Assert.All(mock.Requests, r => Assert.Equal(basic, r.Header("Authorization")));
        Assert.DoesNotContain(reader.Messages, m => (m.Warning ?? m.Verbose ?? string.Empty).Contains(V2ServeMock.Password, StringComparison.Ordinal));
        Assert.Contains(reader.Messages, m => m.Verbose?.Contains("api/event", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_dropped_2x_stream_is_reopened_on_api_event_with_one_warning()
    {
        using var mock = new V2ServeMock();
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            Server = mock.BaseUri,
            Credential = new NetworkCredential("opencode", V2ServeMock.Password),
        }, TestEnvironment.Isolated));
        WaitUntil(() => mock.StreamsOpened == 1);
        Thread.Sleep(200);
        mock.Publish("session.execution.started", Data("ses_r", T0));
        reader.WaitFor(e => e.Kind == ActivityKind.SessionBusy, Wait);
        mock.DropStreams();
        WaitUntil(() => mock.StreamsOpened == 2);
        Thread.Sleep(200);
        mock.Publish("session.execution.succeeded", Data("ses_r", T0 + 1));
        reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle, Wait);
        Assert.Equal("/api/event", mock.Requests[^1].Path); // the generation is known: straight to the 2.x stream
        Assert.Single(reader.Messages, m => m.Warning?.Contains("ended", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_line_that_never_ends_is_read_bounded_and_the_events_after_it_still_come()
    {
        using var mock = new V2ServeMock();
        using var source = new ServerActivitySource(mock.BaseUri, new ActivityOptions { Credential = new NetworkCredential("opencode", V2ServeMock.Password) }, TestEnvironment.Isolated);
        var channel = Channel.CreateUnbounded<WatchItem>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = source.RunAsync(channel.Writer, stop.Token);
        WaitUntil(() => mock.StreamsOpened == 1);
        Thread.Sleep(200);
        var endless = mock.PublishEndlessLine(SseParser.MaxEventChars + (8L << 20)); // past the cap
        await endless.WaitAsync(stop.Token);
        mock.Publish("session.execution.started", Data("ses_e", T0));
        ActivityEvent? busy = null;
        while (busy is null && await channel.Reader.ReadAsync(stop.Token) is { } item)
        {
            busy = item.Event is { Kind: ActivityKind.SessionBusy } e ? e : null;
        }

        Assert.Equal("ses_e", busy!.SessionId);
        Assert.Equal(1, source.LinesCut);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_refused_credential_ends_the_2x_watch_without_showing_the_password()
    {
        using var mock = new V2ServeMock();
        using var feed = ActivityFeed.Start(new ActivityOptions { Server = mock.BaseUri, Credential = new NetworkCredential("opencode", "wrong-Pa55word") }, TestEnvironment.Isolated);
        OpenCodeUsageException? failure = null;
        using var timeout = new CancellationTokenSource(Wait);
        while (await feed.ReadAsync(timeout.Token) is { } item)
        {
            failure = item.Failure ?? failure;
        }

        Assert.Equal("ServerAuthenticationFailed", failure!.ErrorId);
        Assert.DoesNotContain("wrong-Pa55word", failure.Message, StringComparison.Ordinal);
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Wait;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "timed out");
            Thread.Sleep(20);
        }
    }
}
