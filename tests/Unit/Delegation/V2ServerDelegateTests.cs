using System.Text;
using System.Text.Json.Nodes;
using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// Delegation to an OpenCode 2.x server (the mock built from the v2 SDK's types, tests/Shared/V2ServeMock): the /api routes and
/// bodies sent, what the result reads from SessionMessage rows and the session's own totals, rejected requests, interrupts,
/// auth and the reply cap. The real 2.0 preview is driven in LivePreviewDelegateTests.
/// </summary>
public sealed class V2ServerDelegateTests : IDisposable
{
    private const string Directory = "/srv/project";
    private readonly string _state = System.IO.Directory.CreateTempSubdirectory("ocu-v2-delegate-").FullName;
    private readonly List<string> _log = [];

    public void Dispose() => System.IO.Directory.Delete(_state, recursive: true);

    [Fact]
    public async Task A_fresh_task_creates_a_session_with_its_model_and_agent_prompts_waits_and_reads_the_usage()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var result = await remote.RunAsync(Task("Summarise the log\nsecond line", model: "mock/mock-smart", variant: "high", agent: "plan", fresh: true), CancellationToken.None);

        Assert.True(result.Status == DelegateStatus.Succeeded, result.Error);
        Assert.Equal("Reply from the v2 mock to: Summarise the log\nsecond line", result.Text);
        var session = mock.Sessions[result.SessionId!];
        // V2SessionCreateData: {agent?, model?: ModelRef {id, providerID, variant?}, location: {directory}}; the title is extra.
        Assert.Equal("""{"location":{"directory":"/srv/project"},"model":{"id":"mock-smart","providerID":"mock","variant":"high"},"agent":"plan","title":"Summarise the log"}""",
            session.Created.ToJsonString());
        Assert.Equal(["Summarise the log\nsecond line"], session.Prompts);
        Assert.Contains(mock.Requests, r => r.Method == "POST" && r.Path == $"/api/session/{result.SessionId}/prompt" && r.Body == """{"prompt":{"text":"Summarise the log\nsecond line"}}""");
        Assert.Contains(mock.Requests, r => r.Method == "GET" && r.Path == "/api/session/active");
        Assert.DoesNotContain(mock.Requests, r => r.Path.StartsWith("/session", StringComparison.Ordinal)); // no 1.x route

        // One step: tokens {input, output, reasoning, cache} with no total, output without reasoning; the session's totals.
        Assert.Equal((1, 100L, 20L, 30L, 400L, 0L, 550L, V2ServeMock.StepCost),
            (result.Steps, result.InputTokens, result.OutputTokens, result.ReasoningTokens, result.CacheReadTokens, result.CacheWriteTokens, result.TotalTokens, result.Cost));
        Assert.Equal(("mock", "mock-smart", "high", "plan"), (result.ProviderId, result.ModelId, result.Variant, result.Agent));
        Assert.Null(result.ForkedFrom);
        Assert.Null(result.WarmSessionCost);
        Assert.Equal(mock.BaseUri, result.Server);
    }

    [Fact]
    public async Task Tasks_fork_the_warm_session_which_the_first_one_makes_and_pays_for()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var first = await remote.RunAsync(Task("task one", model: "mock/mock-fast"), CancellationToken.None);
        var second = await remote.RunAsync(Task("task two", model: "mock/mock-fast", agent: "plan"), CancellationToken.None);

        Assert.True(first.Status == DelegateStatus.Succeeded, first.Error);
        Assert.True(second.Status == DelegateStatus.Succeeded, second.Error);
        var warm = first.ForkedFrom!;
        Assert.Equal(warm, second.ForkedFrom);
        Assert.Equal(OpenCodeArguments.WarmPrompt, Assert.Single(mock.Sessions[warm].Prompts));
        Assert.Equal("""{"location":{"directory":"/srv/project"},"model":{"id":"mock-fast","providerID":"mock"},"title":"OpenCodeUsage warm session"}""",
            mock.Sessions[warm].Created.ToJsonString());
        Assert.Equal(V2ServeMock.StepCost, first.WarmSessionCost); // reported on the result that made it, and only there
        Assert.Null(second.WarmSessionCost);

        // Each fork: its task's title (PATCH), the task's agent (POST …/agent), only its own step counted, not the copied history.
        foreach (var (result, title) in new[] { (first, "task one"), (second, "task two") })
        {
            var fork = mock.Sessions[result.SessionId!];
            Assert.Equal(warm, fork.ForkOf);
            Assert.Equal(title, fork.Title);
            Assert.Equal([title], fork.Prompts);
            Assert.Equal((1, V2ServeMock.StepCost, 550L), (result.Steps, result.Cost, result.TotalTokens));
        }

        Assert.Equal("plan", mock.Sessions[second.SessionId!].Agent);
        Assert.Equal("plan", second.Agent);
        Assert.Contains(mock.Requests, r => r.Method == "POST" && r.Path == $"/api/session/{warm}/fork");
        Assert.Contains(mock.Requests, r => r.Method == "POST" && r.Path == $"/api/session/{second.SessionId}/agent" && r.Body == """{"agent":"plan"}""");
    }

    [Fact]
    public async Task A_warm_session_the_server_no_longer_knows_is_replaced()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var first = await remote.RunAsync(Task("task one"), CancellationToken.None);
        mock.Forget(first.ForkedFrom!);
        var second = await remote.RunAsync(Task("task two"), CancellationToken.None);

        Assert.True(second.Status == DelegateStatus.Succeeded, second.Error);
        Assert.NotEqual(first.ForkedFrom, second.ForkedFrom);
        Assert.Equal(OpenCodeArguments.WarmPrompt, Assert.Single(mock.Sessions[second.ForkedFrom!].Prompts));
        Assert.Equal(V2ServeMock.StepCost, second.WarmSessionCost);
        Assert.Contains(_log, l => l.Contains($"The warm session {first.ForkedFrom} of '{Directory}' no longer exists", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_without_the_fork_route_runs_each_task_in_a_new_session_and_makes_no_warm_session()
    {
        using var mock = new V2ServeMock { ServesFork = false };
        using var remote = Delegate(mock);
        var first = await remote.RunAsync(Task("task one"), CancellationToken.None);
        var second = await remote.RunAsync(Task("task two"), CancellationToken.None);

        Assert.True(first.Status == DelegateStatus.Succeeded, first.Error);
        Assert.True(second.Status == DelegateStatus.Succeeded, second.Error);
        Assert.Equal(2, mock.Sessions.Count);
        Assert.All(mock.Sessions.Values, s => Assert.DoesNotContain(OpenCodeArguments.WarmPrompt, s.Prompts));
        Assert.Null(first.ForkedFrom);
        Assert.Single(_log, l => l.Contains("no route to fork sessions", StringComparison.Ordinal)); // said once
        Assert.Single(mock.Requests, r => r.Path.EndsWith("/fork", StringComparison.Ordinal)); // asked once
    }

    [Fact]
    public async Task A_permission_request_is_rejected_and_the_run_fails_with_PermissionDenied()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var result = await remote.RunAsync(Task("clean up ASK_PERMISSION", fresh: true), CancellationToken.None);

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.PermissionDenied), (result.Status, result.FailureKind));
        Assert.Contains("'bash'", result.Error, StringComparison.Ordinal);
        Assert.Equal("I could not do that: the request was rejected.", result.Text);
        var (path, body) = Assert.Single(mock.Answers);
        Assert.Equal($"/api/session/{result.SessionId}/permission/per_{result.SessionId}/reply", path);
        Assert.Equal("""{"reply":"reject"}""", body!.ToJsonString()); // V2SessionPermissionReplyData: {reply: PermissionV2Reply}
    }

    [Fact]
    public async Task A_question_is_rejected_and_the_run_fails_with_QuestionUnanswered()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var result = await remote.RunAsync(Task("pick one ASK_QUESTION", fresh: true), CancellationToken.None);

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.QuestionUnanswered), (result.Status, result.FailureKind));
        var (path, body) = Assert.Single(mock.Answers);
        Assert.Equal($"/api/session/{result.SessionId}/question/que_{result.SessionId}/reject", path);
        Assert.Null(body); // V2SessionQuestionRejectData: no body
    }

    [Fact]
    public async Task An_empty_answer_is_NoOutput()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var result = await remote.RunAsync(Task("say nothing EMPTY_REPLY", fresh: true), CancellationToken.None);

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.NoOutput), (result.Status, result.FailureKind));
        Assert.Equal(1, result.Steps); // the step happened and is paid for
        Assert.Equal(V2ServeMock.StepCost, result.Cost);
    }

    [Fact]
    public async Task A_timeout_interrupts_the_session_and_a_cancellation_too()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var slow = await remote.RunAsync(Task("SLOW_REPLY forever", fresh: true) with { Timeout = TimeSpan.FromSeconds(1) }, CancellationToken.None);

        Assert.Equal((DelegateStatus.TimedOut, DelegateFailureKind.Timeout), (slow.Status, slow.FailureKind));
        Assert.Contains("interrupted", slow.Error, StringComparison.Ordinal);
        Assert.Contains(mock.Requests, r => r.Method == "POST" && r.Path == $"/api/session/{slow.SessionId}/interrupt" && r.Body.Length == 0);
        Assert.Contains($"Interrupted session {slow.SessionId}.", _log);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        var cancelled = await remote.RunAsync(Task("SLOW_REPLY again", fresh: true), stop.Token);
        Assert.Equal(DelegateStatus.Cancelled, cancelled.Status);
        Assert.Contains(mock.Requests, r => r.Method == "POST" && r.Path == $"/api/session/{cancelled.SessionId}/interrupt");
    }

    [Fact]
    public async Task Basic_auth_is_sent_and_a_wrong_password_is_ServerAuthFailed_without_showing_it()
    {
        using var mock = new V2ServeMock();
        const string wrong = "pw-v2-0d1f-never-shown";
        using var remote = Delegate(mock, wrong);
        var result = await remote.RunAsync(Task("never runs", fresh: true), CancellationToken.None);

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.ServerAuthFailed), (result.Status, result.FailureKind));
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + wrong)), mock.Requests[0].Header("Authorization"));
        var everything = string.Join("\n", _log) + result.Error + remote.Describe(Task("x", fresh: true));
        Assert.DoesNotContain(wrong, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + wrong)), everything, StringComparison.Ordinal);
        Assert.Empty(mock.Sessions);
    }

    [Fact]
    public async Task A_reply_past_the_cap_fails_with_OutputTooLarge_unread()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock, maxReplyBytes: 1 << 20);
        var result = await remote.RunAsync(Task("a lot HUGE_REPLY", fresh: true), CancellationToken.None);

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.OutputTooLarge), (result.Status, result.FailureKind));
        Assert.Contains("1,048,576 bytes", result.Error, StringComparison.Ordinal);
        Assert.Null(result.Text);
    }

    [Fact]
    public void WhatIf_names_the_2x_routes()
    {
        using var mock = new V2ServeMock();
        using var remote = Delegate(mock);
        var text = remote.Describe(Task("describe me", model: "mock/mock-fast"));

        Assert.Contains("OpenCode 2.x:", text, StringComparison.Ordinal);
        Assert.Contains("POST /api/session (the warm session", text, StringComparison.Ordinal);
        Assert.Contains("POST /api/session/<warm>/fork", text, StringComparison.Ordinal);
        Assert.Contains("POST /api/session/<id>/prompt (model mock/mock-fast)", text, StringComparison.Ordinal);
        Assert.Contains("GET /api/session/active", text, StringComparison.Ordinal);
        Assert.Contains("the task 'describe me'", text, StringComparison.Ordinal);
        Assert.EndsWith("with the prompt", text, StringComparison.Ordinal); // the title only: a prompt can run to megabytes
        Assert.Empty(mock.Sessions); // asked the generation only
        Assert.All(mock.Requests, r => Assert.Equal("GET", r.Method));
    }

    private ServerDelegate Delegate(V2ServeMock mock, string password = V2ServeMock.Password, long? maxReplyBytes = null)
    {
        void Add(string message)
        {
            lock (_log)
            {
                _log.Add(message);
            }
        }

        return new ServerDelegate(
            new ServerOptions { BaseUri = mock.BaseUri, Password = password, PollInterval = TimeSpan.FromMilliseconds(30), MaxReplyBytes = maxReplyBytes },
            new DelegateOptions
            {
                Environment = new DelegateEnvironment(new Dictionary<string, string?> { ["HOME"] = _state, ["XDG_STATE_HOME"] = _state }),
                StateFile = Path.Combine(_state, "warm-sessions.json"),
                Log = new ActivityLog { Verbose = Add, Debug = Add },
                Warning = m => Add("WARNING: " + m),
            });
    }

    private static DelegateTask Task(string prompt, string? model = null, string? variant = null, string? agent = null, bool fresh = false) =>
        DelegateTask.From(new DelegateRequest { Prompt = prompt, Directory = Directory, Model = model, Variant = variant, Agent = agent, Fresh = fresh });
}
