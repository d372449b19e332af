using System.Text;
using System.Text.Json.Nodes;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Delegation;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// Delegation end to end: the real OpenCode CLI (and its server) against the in-repo mock LLM, checked against
/// what the mock was asked and what OpenCode's database holds afterwards.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LiveDelegateTests(DelegateSandbox live, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Directives_are_applied_parameters_win_and_costs_equal_the_database()
    {
        var sandbox = await live.GetAsync();
        var runner = DelegateSandbox.Runner(sandbox);
        var directed = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha",
            "Model: mock/mock-smart\nVariant: high\nAgent: plan\n\ndirective-check  two spaces", fresh: true), CancellationToken.None);
        var overridden = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha",
            "Model: mock/mock-smart\nparam-wins", model: "mock/mock-reason", fresh: true), CancellationToken.None);

        Assert.True(directed.Status == DelegateStatus.Succeeded, directed.Error);
        var (request, userText) = Assert.Single(DelegateSandbox.RequestsWith(sandbox, "directive-check"));
        Assert.Equal("mock-smart", request.Model);
        Assert.StartsWith("directive-check  two spaces", userText, StringComparison.Ordinal); // exactly as typed, double space kept
        Assert.DoesNotContain("Model:", userText, StringComparison.Ordinal);
        Assert.Equal(("mock", "mock-smart", "plan", "high"), (directed.ProviderId, directed.ModelId, directed.Agent, directed.Variant));
        Assert.StartsWith("Hi! This is a deterministic reply from mock-smart.", directed.Text, StringComparison.Ordinal);
        Assert.Null(directed.ForkedFrom);
        Assert.Equal(0, directed.ExitCode);

        Assert.True(overridden.Status == DelegateStatus.Succeeded, overridden.Error);
        Assert.Equal("mock-reason", Assert.Single(DelegateSandbox.RequestsWith(sandbox, "param-wins")).Request.Model);
        Assert.Equal("mock/mock-reason", overridden.Model);
        Assert.True(overridden.ReasoningTokens > 0);

        var sessions = DelegateSandbox.Sessions(sandbox);
        foreach (var result in new[] { directed, overridden })
        {
            var session = sessions[result.SessionId!];
            Assert.Equal(session.Cost, result.Cost);
            Assert.Equal(session.OwnCost, result.Cost);
            Assert.Equal(session.AssistantMessageCount, result.Steps);
            Assert.Equal((session.InputTokens, session.OutputTokens, session.ReasoningTokens, session.CacheReadTokens, session.CacheWriteTokens, session.TotalTokens),
                (result.InputTokens, result.OutputTokens, result.ReasoningTokens, result.CacheReadTokens, result.CacheWriteTokens, result.TotalTokens));
            Assert.Equal(session.ModelId, result.ModelId);
            Assert.Equal(sandbox.ProjectDirectory("alpha"), session.Directory);
        }
    }

    [SkippableFact]
    public async Task The_first_call_makes_a_warm_session_and_later_calls_fork_it()
    {
        var sandbox = await live.GetAsync();
        var log = new List<string>();
        var runner = DelegateSandbox.Runner(sandbox, log);
        var store = DelegateSandbox.Store(sandbox);
        var key = WarmSessionStore.KeyFor(sandbox.ProjectDirectory("beta"), null, null);
        Assert.Null(store.Get(key));
        Assert.Contains("--title", runner.Describe(DelegateSandbox.Task(sandbox, "beta", "x")), StringComparison.Ordinal); // -WhatIf shows the warm-up too

        var first = await runner.RunAsync(DelegateSandbox.Task(sandbox, "beta", "first task"), CancellationToken.None);
        var second = await runner.RunAsync(DelegateSandbox.Task(sandbox, "beta", "second task\nwith more lines") with { GivenTitle = "Second, titled" },
            CancellationToken.None);

        Assert.True(first.Status == DelegateStatus.Succeeded, first.Error);
        Assert.True(second.Status == DelegateStatus.Succeeded, second.Error);
        var warm = first.ForkedFrom;
        Assert.NotNull(warm);
        Assert.Equal(warm, second.ForkedFrom);
        Assert.Equal(warm, store.Get(key));
        Assert.Single(log, l => l.StartsWith("Made warm session " + warm, StringComparison.Ordinal));
        Assert.Null(second.WarmSessionCost); // the warm session already existed
        var described = runner.Describe(DelegateSandbox.Task(sandbox, "beta", "x"));
        Assert.Contains($"POST /session/{warm}/fork and PATCH /session/<fork>", described, StringComparison.Ordinal);
        Assert.Contains("--session '<fork>'   (the prompt on standard input)", described, StringComparison.Ordinal);
        Assert.DoesNotContain("--fork", described, StringComparison.Ordinal);

        var sessions = DelegateSandbox.Sessions(sandbox);
        Assert.Equal(OpenCodeArguments.WarmTitle, sessions[warm].Title);
        Assert.Equal(2, sessions[warm].MessageCount); // the anchor stays small: tasks never run in it
        Assert.Equal(sessions[warm].OwnCost, first.WarmSessionCost); // reported on the result whose call made it
        Assert.True(first.WarmSessionCost > 0);
        // Each fork has its task's title (1.18.33's run ignores --title with --fork: a private serve titles it).
        Assert.Equal("first task", sessions[first.SessionId!].Title);
        Assert.Equal("Second, titled", sessions[second.SessionId!].Title); // -Title wins over the first line
        Assert.DoesNotContain(log, l => l.StartsWith("WARNING:", StringComparison.Ordinal));
        foreach (var line in log.Where(l => l.StartsWith("Forked warm session", StringComparison.Ordinal) || l.StartsWith("Started a private", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        output.WriteLine($"second task, fork and run: {second.Duration.TotalMilliseconds:0} ms");

        foreach (var result in new[] { first, second })
        {
            var session = sessions[result.SessionId!];
            Assert.Equal(warm, session.ForkOfId);
            Assert.Equal(session.OwnCost, result.Cost); // the new work only: the copied warm history is not counted
            Assert.True(session.Cost > result.Cost);
            Assert.Equal(session.AssistantMessageCount - sessions[warm].AssistantMessageCount, result.Steps);
        }
    }

    [SkippableFact]
    public async Task A_model_asked_for_once_does_not_stick_to_later_calls_through_the_warm_session()
    {
        var sandbox = await live.GetAsync();
        var runner = DelegateSandbox.Runner(sandbox);
        var smart = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "Model: mock/mock-smart\nsticky-smart"), CancellationToken.None);
        var plain = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "sticky-plain"), CancellationToken.None);

        Assert.True(smart.Status == DelegateStatus.Succeeded, smart.Error);
        Assert.True(plain.Status == DelegateStatus.Succeeded, plain.Error);
        Assert.Equal("mock-smart", Assert.Single(DelegateSandbox.RequestsWith(sandbox, "sticky-smart")).Request.Model);
        Assert.Equal("mock-fast", Assert.Single(DelegateSandbox.RequestsWith(sandbox, "sticky-plain")).Request.Model); // OpenCode's configured model
        Assert.Equal("mock-fast", plain.ModelId);
        Assert.NotEqual(smart.ForkedFrom, plain.ForkedFrom);
    }

    [SkippableFact]
    public async Task A_warm_session_that_no_longer_exists_is_replaced()
    {
        var sandbox = await live.GetAsync();
        var log = new List<string>();
        var runner = DelegateSandbox.Runner(sandbox, log);
        var store = DelegateSandbox.Store(sandbox);
        var key = WarmSessionStore.KeyFor(sandbox.ProjectDirectory("alpha"), null, null);
        const string gone = "ses_0000000000000000000000000";
        store.Set(key, gone);

        var result = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "after the warm session vanished"), CancellationToken.None);

        Assert.True(result.Status == DelegateStatus.Succeeded, result.Error);
        Assert.NotNull(result.ForkedFrom);
        Assert.NotEqual(gone, result.ForkedFrom);
        Assert.Equal(result.ForkedFrom, store.Get(key));
        Assert.Contains(log, l => l.Contains($"warm session {gone}", StringComparison.Ordinal) && l.Contains("no longer exists", StringComparison.Ordinal));
        Assert.Equal(result.ForkedFrom, DelegateSandbox.Sessions(sandbox)[result.SessionId!].ForkOfId);
    }

    [SkippableFact]
    public async Task A_timeout_or_a_cancellation_kills_the_whole_process_tree()
    {
        var sandbox = await live.GetAsync();
        var marker = "ocu-orphan-check-" + Guid.NewGuid().ToString("N");
        var runner = DelegateSandbox.Runner(sandbox, null, ("OCU_TEST_MARKER", marker));

        // 12 s: long enough for OpenCode to start and begin the reply on a loaded machine (the soak may run beside
        // this test), well short of the slow reply (a second per word: the mock echoes 8 prompt words, 17 in all).
        var timedOut = await runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "SLOW_REPLY timeout " + marker + " take your time with this", fresh: true,
            timeout: TimeSpan.FromSeconds(12)), CancellationToken.None);
        Assert.Equal(DelegateStatus.TimedOut, timedOut.Status);
        Assert.Equal(DelegateFailureKind.Timeout, timedOut.FailureKind);
        Assert.InRange(timedOut.Duration, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(40));
        Assert.NotNull(timedOut.SessionId); // it had started: the slow reply was streaming
        Assert.Empty(ProcessScan.Holding(marker));

        using var stop = new CancellationTokenSource();
        var running = runner.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "SLOW_REPLY cancel " + marker, fresh: true), stop.Token);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await sandbox.Mock.WaitForRequestAsync(r => !r.IsTitleRequest && r.Body.Contains("SLOW_REPLY cancel", StringComparison.Ordinal), wait.Token);
        stop.Cancel();
        var cancelled = await running;
        Assert.Equal(DelegateStatus.Cancelled, cancelled.Status);
        Assert.Empty(ProcessScan.Holding(marker));
        output.WriteLine($"timeout run {timedOut.Duration.TotalSeconds:0.0} s, cancelled run {cancelled.Duration.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task The_kill_switch_launches_nothing()
    {
        var sandbox = await live.GetAsync();
        var before = sandbox.Mock.Requests.Count;
        var sessions = Directory.GetFiles(sandbox.DataDirectory).Length;
        foreach (var variable in DelegateKillSwitch.Variables)
        {
            var marker = "ocu-kill-switch-" + Guid.NewGuid().ToString("N");
            var runner = DelegateSandbox.Runner(sandbox, null, (variable, "1"), ("OCU_TEST_MARKER", marker));
            var error = await Assert.ThrowsAsync<OpenCodeUsageException>(() =>
                runner.RunAsync(DelegateSandbox.Task(sandbox, "beta", "must not run " + marker), CancellationToken.None));
            Assert.Equal("DelegateDisabled", error.ErrorId);
            Assert.Contains(variable, error.Message, StringComparison.Ordinal);
            Assert.Empty(ProcessScan.Holding(marker));
        }

        Assert.Equal(before, sandbox.Mock.Requests.Count);
        Assert.Empty(DelegateSandbox.RequestsWith(sandbox, "must not run"));
        Assert.Equal(sessions, Directory.GetFiles(sandbox.DataDirectory).Length);
    }

    [SkippableFact]
    public async Task Parallel_runs_keep_to_the_throttle_and_come_back_in_input_order()
    {
        var sandbox = await live.GetAsync();
        var runner = DelegateSandbox.Runner(sandbox);
        var inputs = new[] { ("alpha", "parallel one SPAWN_SUBAGENT"), ("beta", "parallel two"), ("alpha", "parallel three") };
        var runs = new OrderedRuns<DelegateResult>(2);
        var results = new List<DelegateResult>();
        foreach (var (project, prompt) in inputs)
        {
            while (runs.IsFull)
            {
                runs.WaitHead(Timeout.InfiniteTimeSpan);
                results.Add(runs.TakeHead());
            }

            var task = DelegateSandbox.Task(sandbox, project, prompt, fresh: true);
            runs.Start(() => runner.RunAsync(task, CancellationToken.None));
        }

        while (runs.Count > 0)
        {
            runs.WaitHead(Timeout.InfiniteTimeSpan);
            results.Add(runs.TakeHead());
        }

        Assert.All(results, r => Assert.True(r.Status == DelegateStatus.Succeeded, r.Error));
        Assert.Equal(inputs.Select(i => i.Item2), results.Select(r => r.Prompt));
        Assert.Equal(2, MostAtOnce(results));
        output.WriteLine(string.Join("\n", results.Select(r => $"{r.Prompt}: {r.Started:HH:mm:ss.fff} +{r.Duration.TotalSeconds:0.0} s")));
    }

    [SkippableFact]
    public async Task A_server_with_basic_auth_runs_forks_times_out_and_refuses_a_wrong_password()
    {
        var sandbox = await live.GetAsync();
        await using var server = await sandbox.StartServeAsync("alpha");
        var log = new List<string>();
        var options = DelegateSandbox.Options(sandbox, log);
        using var remote = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri, UserName = server.Username, Password = server.Password }, options);

        var first = await remote.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "server-task one", model: "mock/mock-smart"), CancellationToken.None);
        var second = await remote.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "server-task two", model: "mock/mock-smart") with { Agent = "plan" }, CancellationToken.None);
        Assert.True(first.Status == DelegateStatus.Succeeded, first.Error);
        Assert.True(second.Status == DelegateStatus.Succeeded, second.Error);
        Assert.Equal(server.BaseUri, first.Server);
        Assert.NotNull(first.ForkedFrom);
        Assert.Equal(first.ForkedFrom, second.ForkedFrom);
        Assert.Equal("mock-smart", Assert.Single(DelegateSandbox.RequestsWith(sandbox, "server-task one")).Request.Model);
        Assert.Equal(("mock/mock-smart", "build"), (first.Model, first.Agent));
        Assert.Equal("plan", second.Agent);
        Assert.StartsWith("Hi! This is a deterministic reply from mock-smart.", first.Text, StringComparison.Ordinal);
        Assert.Null(first.ExitCode);

        // Each fork has its task's title, not "OpenCodeUsage warm session (fork #1)".
        using (var titles = server.CreateClient())
        {
            foreach (var (result, title) in new[] { (first, "server-task one"), (second, "server-task two") })
            {
                var session = JsonNode.Parse((await ServeApi.GetAsync(server, titles, $"session/{result.SessionId}", CancellationToken.None)).Body)!;
                Assert.Equal(title, (string?)session["title"]);
            }
        }

        var slow = await remote.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "SLOW_REPLY server", fresh: true, timeout: TimeSpan.FromSeconds(5)),
            CancellationToken.None);
        Assert.Equal(DelegateStatus.TimedOut, slow.Status);
        Assert.Contains(log, l => l == $"Aborted session {slow.SessionId}.");

        using var client = server.CreateClient();
        var status = await ServeApi.GetAsync(server, client, "session/status", CancellationToken.None);
        Assert.DoesNotContain(slow.SessionId!, status.Body, StringComparison.Ordinal); // aborted: idle again
        var messages = await ServeApi.GetAsync(server, client, $"session/{slow.SessionId}/message", CancellationToken.None);
        Assert.Equal("MessageAbortedError", JsonNode.Parse(messages.Body)!.AsArray().Last()!["info"]!["error"]!["name"]!.GetValue<string>());

        var sessions = DelegateSandbox.Sessions(sandbox);
        foreach (var result in new[] { first, second })
        {
            Assert.Equal(sessions[result.SessionId!].OwnCost, result.Cost);
            Assert.Equal(result.ForkedFrom, sessions[result.SessionId!].ForkOfId);
        }

        // The warm session this server's first call made is paid for on that call's result, and only there.
        Assert.True(sessions[first.ForkedFrom!].OwnCost > 0);
        Assert.Equal(sessions[first.ForkedFrom!].OwnCost, first.WarmSessionCost);
        Assert.Null(second.WarmSessionCost);

        using var wrong = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri, UserName = server.Username, Password = "not-the-password" },
            DelegateSandbox.Options(sandbox, log));
        var refused = await wrong.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "never runs", fresh: true), CancellationToken.None);
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.ServerAuthFailed), (refused.Status, refused.FailureKind));
        Assert.DoesNotContain(server.Password, string.Join("\n", log) + refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.Username}:{server.Password}")), string.Join("\n", log), StringComparison.Ordinal);
    }

    /// <summary>The largest number of runs whose [Started, Started + Duration] overlap.</summary>
    private static int MostAtOnce(IEnumerable<DelegateResult> results)
    {
        var edges = results.SelectMany(r => new[] { (r.Started, 1), (r.Started + r.Duration, -1) })
            .OrderBy(e => e.Item1).ThenBy(e => e.Item2);
        int now = 0, most = 0;
        foreach (var (_, change) in edges)
        {
            now += change;
            most = Math.Max(most, now);
        }

        return most;
    }
}
