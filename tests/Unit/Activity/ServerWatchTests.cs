using System.Net;
using System.Text;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>Server mode: the SSE parser, the mapping of real OpenCode 1.18.33 events, auth, fallback and reconnection.</summary>
public sealed class ServerWatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private const string Password = "s3cret-Pa55";

    /// <summary>Real /global/event output of opencode serve 1.18.33 (a SLOW_REPLY prompt), paths scrubbed.</summary>
    private static readonly string Captured = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Unit", "Activity", "global-event-1.18.33.txt"));

    [Fact]
    public void The_parser_joins_data_lines_skips_comments_and_other_fields()
    {
        var parser = new SseParser();
        string?[] results = [.. new[] { ": comment", "event: x", "id: 7", "data: {\"a\":", "data:1}", "retry: 5", "" }.Select(parser.Line)];
        Assert.Equal("{\"a\":\n1}", results[^1]);
        Assert.All(results[..^1], Assert.Null);
        Assert.Null(parser.Line(string.Empty));
    }

    [Fact]
    public void An_oversized_event_is_dropped_whole()
    {
        var parser = new SseParser();
        var chunk = "data: " + new string('x', SseParser.MaxEventChars / 2);
        parser.Line(chunk);
        parser.Line(chunk);
        parser.Line(chunk);
        Assert.Null(parser.Line(string.Empty));
        parser.Line("data: small");
        Assert.Equal("small", parser.Line(string.Empty));
    }

    [Fact]
    public async Task Real_server_events_map_to_a_sessions_life()
    {
        var source = new ServerActivitySource(new Uri("http://127.0.0.1:1/"), new ActivityOptions(), TestEnvironment.Isolated);
        var parser = new SseParser();
        var events = new List<ActivityEvent>();
        foreach (var line in Captured.Split('\n'))
        {
            if (parser.Line(line) is { } data && ServerEventMapper.Map(data) is { } mapped)
            {
                events.AddRange(await source.HandleAsync(mapped, lookUp: false, CancellationToken.None));
            }
        }

        Assert.Equal(
            [ActivityKind.SessionCreated, ActivityKind.SessionBusy, ActivityKind.Prompt, ActivityKind.MessageStarted, ActivityKind.StepStarted,
             ActivityKind.StepFinished, ActivityKind.MessageCompleted, ActivityKind.SessionIdle],
            events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal("ses_de4d6b94cffeMgIE6P6gZr5nMb", e.SessionId));
        var step = events.Single(e => e.Kind == ActivityKind.StepFinished);
        Assert.Equal(2459, step.InputTokens);
        Assert.Equal(26, step.OutputTokens);
        Assert.Equal(0.002511m, step.Cost);
        Assert.Equal("alpha", step.ProjectName);
        Assert.Equal("mock-fast", step.ModelId);
        Assert.Equal("http://127.0.0.1:1", step.Server);
        Assert.Null(step.DataPath);
    }

    [Theory]
    [InlineData("""{"id":"evt_1","type":"permission.asked","properties":{"id":"per_1","sessionID":"ses_a","permission":"bash","patterns":["rm -rf build"],"metadata":{},"always":[]}}""", ActivityKind.PermissionAsked, "bash: rm -rf build")]
    [InlineData("""{"id":"evt_1","type":"permission.updated","properties":{"id":"per_1","type":"edit","sessionID":"ses_a","messageID":"m","title":"Edit src/a.ts","metadata":{},"time":{"created":1}}}""", ActivityKind.PermissionAsked, "Edit src/a.ts")]
    [InlineData("""{"id":"evt_1","type":"permission.replied","properties":{"sessionID":"ses_a","requestID":"per_1","reply":"once"}}""", ActivityKind.PermissionReplied, "once")]
    [InlineData("""{"id":"evt_1","type":"question.asked","properties":{"id":"que_1","sessionID":"ses_a","questions":[{"question":"Which database?","header":"DB","options":[]}]}}""", ActivityKind.QuestionAsked, "Which database?")]
    [InlineData("""{"id":"evt_1","type":"question.rejected","properties":{"sessionID":"ses_a","requestID":"que_1"}}""", ActivityKind.QuestionReplied, "rejected")]
    [InlineData("""{"id":"evt_1","type":"session.status","properties":{"sessionID":"ses_a","status":{"type":"retry","attempt":2,"message":"Rate limited","next":5}}}""", ActivityKind.SessionRetry, "attempt 2")]
    [InlineData("""{"directory":"/home/dev/projects/alpha","payload":{"id":"evt_1","type":"session.error","properties":{"sessionID":"ses_a","error":{"name":"APIError","data":{"message":"Overloaded"}}}}}""", ActivityKind.SessionError, null)]
    public async Task States_only_the_server_knows_are_reported(string json, ActivityKind kind, string? detail)
    {
        var source = new ServerActivitySource(new Uri("http://127.0.0.1:1/"), new ActivityOptions(), TestEnvironment.Isolated);
        var events = await source.HandleAsync(ServerEventMapper.Map(json)!, lookUp: false, CancellationToken.None);
        var e = Assert.Single(events, e => e.Kind == kind);
        Assert.Equal("ses_a", e.SessionId);
        Assert.Equal(detail, e.Detail);
        if (kind == ActivityKind.SessionError)
        {
            Assert.Equal("Overloaded", e.Error);
        }
    }

    [Theory]
    [InlineData(401, "Invalid API key", DelegateFailureKind.AuthFailed)]
    [InlineData(429, "Rate limit exceeded", DelegateFailureKind.RateLimited)]
    [InlineData(529, "Overloaded", DelegateFailureKind.ProviderUnavailable)]
    public async Task A_session_error_carries_its_failure_kind_so_a_401_and_a_429_differ(int status, string message, DelegateFailureKind kind)
    {
        // Both used to read only "APIError" or the message: nothing a script could branch on.
        using var source = new ServerActivitySource(new Uri("http://127.0.0.1:1/"), new ActivityOptions(), TestEnvironment.Isolated);
        var json = "{\"type\":\"session.error\",\"properties\":{\"sessionID\":\"ses_a\",\"error\":{\"name\":\"APIError\",\"data\":{\"message\":\"" + message + "\",\"statusCode\":" + status + ",\"isRetryable\":false}}}}";
        var e = Assert.Single(await source.HandleAsync(ServerEventMapper.Map(json)!, lookUp: false, CancellationToken.None), e => e.Kind == ActivityKind.SessionError);
        Assert.Equal(kind, e.FailureKind);
    }

    [Fact]
    public async Task Busy_and_idle_from_session_status_are_reported_on_changes_only()
    {
        var source = new ServerActivitySource(new Uri("http://127.0.0.1:1/"), new ActivityOptions(), TestEnvironment.Isolated);
        string Status(string type) => "{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_a\",\"status\":{\"type\":\"" + type + "\"}}}";
        var kinds = new List<ActivityKind>();
        foreach (var status in new[] { "busy", "busy", "idle", "idle", "busy" })
        {
            kinds.AddRange((await source.HandleAsync(ServerEventMapper.Map(Status(status))!, lookUp: false, CancellationToken.None)).Select(e => e.Kind));
        }

        Assert.Equal([ActivityKind.SessionBusy, ActivityKind.SessionIdle, ActivityKind.SessionBusy], kinds);
    }

    [Fact]
    public void The_stream_is_read_with_Basic_auth_and_the_password_is_never_shown()
    {
        var lines = Captured.Split('\n').Select(l => l.Length == 0 ? "\n" : l + "\n");
        using var server = new SseServer((_, _) => new SseServer.Reply(200, [.. lines.Select(l => (TimeSpan.Zero, l))], Close: false));
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            Server = server.BaseUri,
            Credential = new NetworkCredential(string.Empty, Password),
        }, TestEnvironment.Isolated));
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        Assert.Equal(2485, step.TotalTokens);
        var (path, authorization) = server.Requests[0];
        Assert.Equal("/global/event", path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + Password)), authorization);
        Assert.DoesNotContain(reader.Messages, m => (m.Warning ?? m.Verbose ?? string.Empty).Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public void An_older_server_without_the_global_stream_is_read_through_event()
    {
        using var server = new SseServer((_, path) => path.StartsWith("/global", StringComparison.Ordinal)
            ? new SseServer.Reply(404, [], Close: true)
            : new SseServer.Reply(200, [(TimeSpan.Zero, SseServer.Event("""{"type":"session.status","properties":{"sessionID":"ses_old","status":{"type":"busy"}}}"""))], Close: false));
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions { Server = server.BaseUri }, TestEnvironment.Isolated));
        Assert.Equal("ses_old", reader.WaitFor(e => e.Kind == ActivityKind.SessionBusy, Wait).SessionId);
        Assert.Equal(["/global/event", "/event"], server.Requests.Select(r => r.Path).Take(2));
        Assert.Null(server.Requests[0].Authorization);
    }

    [Fact]
    public void A_dropped_stream_is_reopened_with_growing_pauses_and_one_warning_per_outage()
    {
        var opened = new List<DateTime>();
        using var server = new SseServer((index, _) =>
        {
            lock (opened)
            {
                opened.Add(DateTime.UtcNow);
            }

            // Three connections that fail (500), then one that delivers and drops, then one that stays.
            return index switch
            {
                < 3 => new SseServer.Reply(500, [], Close: true),
                3 => new SseServer.Reply(200, [(TimeSpan.Zero, SseServer.Event("{\"type\":\"session.status\",\"properties\":{\"sessionID\":\"ses_" + index + "\",\"status\":{\"type\":\"busy\"}}}"))], Close: true),
                _ => new SseServer.Reply(200, [(TimeSpan.Zero, SseServer.Event("""{"type":"session.idle","properties":{"sessionID":"ses_3"}}"""))], Close: false),
            };
        });
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions { Server = server.BaseUri }, TestEnvironment.Isolated));
        reader.WaitFor(e => e.Kind == ActivityKind.SessionBusy && e.SessionId == "ses_3", TimeSpan.FromSeconds(15));
        reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.SessionId == "ses_3", TimeSpan.FromSeconds(15));
        lock (opened)
        {
            // 0.5 s, 1 s, 2 s between the failing attempts: each pause longer than the last.
            var gaps = opened.Zip(opened.Skip(1), (a, b) => b - a).Take(3).ToList();
            Assert.True(gaps[1] > gaps[0] && gaps[2] > gaps[1], string.Join(", ", gaps));
            Assert.InRange(gaps[0].TotalMilliseconds, 400, 2000);
        }

        Assert.Single(reader.Messages, m => m.Warning?.Contains("answered 500", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_refused_credential_ends_the_watch_with_a_clear_failure()
    {
        using var server = new SseServer((_, _) => new SseServer.Reply(401, [], Close: true));
        using var feed = ActivityFeed.Start(new ActivityOptions { Server = server.BaseUri, Credential = new NetworkCredential("opencode", Password) }, TestEnvironment.Isolated);
        OpenCodeUsageException? failure = null;
        using var timeout = new CancellationTokenSource(Wait);
        while (await feed.ReadAsync(timeout.Token) is { } item)
        {
            failure = item.Failure ?? failure;
        }

        Assert.Equal("ServerAuthenticationFailed", failure!.ErrorId);
        Assert.DoesNotContain(Password, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_is_never_sent_over_plain_http_to_another_machine()
    {
        var credential = new System.Net.NetworkCredential("opencode", "hunter2-secret");
        var error = Assert.Throws<OpenCodeUsageException>(() =>
            new ServerActivitySource(new Uri("http://example.invalid:4096/"), new ActivityOptions { Credential = credential }, TestEnvironment.Isolated));
        Assert.Equal("ServerUriInsecure", error.ErrorId);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
        Assert.Throws<OpenCodeUsageException>(() => new ServerActivitySource(new Uri("http://opencode:pw@example.invalid/"), new ActivityOptions(), TestEnvironment.Isolated));
        _ = new ServerActivitySource(new Uri("http://127.0.0.1:4096/"), new ActivityOptions { Credential = credential }, TestEnvironment.Isolated); // loopback: fine
        _ = new ServerActivitySource(new Uri("https://example.invalid/"), new ActivityOptions { Credential = credential }, TestEnvironment.Isolated); // https: fine
    }
}
