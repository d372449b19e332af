using System.Net;
using Microsoft.Data.Sqlite;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Activity;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// The watch against the real OpenCode CLI and the in-repo mock LLM: two sessions in two projects running at
/// once (one streaming a slow reply, one calling a subagent), and a running `opencode serve`.
/// </summary>
[Collection(LiveWatchCollection.Name)]
public sealed class LiveWatchTests(LiveSandboxFixture live, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Concurrent_sessions_in_two_projects_are_attributed_step_by_step_and_add_up_to_the_database()
    {
        var sandbox = await live.SandboxAsync();
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            DataPaths = [sandbox.DataDirectory],
            IdleAfter = TimeSpan.FromSeconds(3),
        }, TestEnvironment.Isolated));
        var slow = sandbox.PromptAsync("alpha", "mock/mock-fast", "SLOW_REPLY alpha side please");
        await Task.Delay(1500);
        var delegating = sandbox.PromptAsync("beta", "mock/mock-smart", "SPAWN_SUBAGENT beta side please");
        var runs = await Task.WhenAll(slow, delegating);
        Assert.All(runs, r => Assert.True(r.Succeeded, r.Process.StandardError));
        var alpha = runs[0].SessionId!;
        var beta = runs[1].SessionId!;
        var child = Assert.Single(runs[1].ChildSessionIds);
        reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.SessionId == alpha, Wait);
        reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.SessionId == beta, Wait);
        var events = reader.Events;

        // Attribution: every step is the part row OpenCode wrote, of that session and message.
        var steps = events.Where(e => e.Kind == ActivityKind.StepFinished).ToList();
        Assert.Equal(4, steps.Count); // alpha's answer; beta's tool call and its answer; the subagent's answer
        using var db = new SqliteConnection($"Data Source={sandbox.DatabasePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        foreach (var step in steps)
        {
            using var command = new SqliteCommand("SELECT session_id, message_id FROM part WHERE id = $id", db);
            command.Parameters.AddWithValue("$id", step.PartId);
            using var row = command.ExecuteReader();
            Assert.True(row.Read(), step.PartId);
            Assert.Equal(row.GetString(0), step.SessionId);
            Assert.Equal(row.GetString(1), step.MessageId);
        }

        Assert.All(events.Where(e => e.SessionId == alpha), e => Assert.Equal("alpha", e.ProjectName));
        Assert.All(events.Where(e => e.SessionId == beta || e.SessionId == child), e => Assert.Equal("beta", e.ProjectName));
        Assert.Equal(beta, events.First(e => e.SessionId == child).ParentSessionId);
        Assert.Contains(events, e => e.Kind == ActivityKind.ToolStarted && e.SessionId == beta && e.Tool == "task");
        Assert.Contains(events, e => e.Kind == ActivityKind.ToolCompleted && e.SessionId == beta && e.Tool == "task");
        foreach (var session in new[] { alpha, beta, child })
        {
            Assert.Equal(ActivityKind.SessionCreated, events.First(e => e.SessionId == session).Kind);
        }

        // The two ran at once: each started before the other finished.
        var alphaSpan = (events.First(e => e.SessionId == alpha).Time, steps.Last(e => e.SessionId == alpha).Time);
        var betaSpan = (events.First(e => e.SessionId == beta).Time, steps.Last(e => e.SessionId == beta).Time);
        Assert.True(alphaSpan.Item1 < betaSpan.Item2 && betaSpan.Item1 < alphaSpan.Item2, $"alpha {alphaSpan}, beta {betaSpan}");

        // The step deltas add up to what OpenCode's own columns hold afterwards (all three sessions are new).
        foreach (var session in new[] { alpha, beta, child })
        {
            using var command = new SqliteCommand("SELECT cost, tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write FROM session WHERE id = $id", db);
            command.Parameters.AddWithValue("$id", session);
            using var row = command.ExecuteReader();
            Assert.True(row.Read());
            var own = steps.Where(s => s.SessionId == session).ToList();
            Assert.NotEmpty(own);
            Assert.InRange(Math.Abs((double)own.Sum(s => s.Cost!.Value) - row.GetDouble(0)), 0, 1e-9);
            Assert.Equal(row.GetInt64(1), own.Sum(s => s.InputTokens));
            Assert.Equal(row.GetInt64(2), own.Sum(s => s.OutputTokens));
            Assert.Equal(row.GetInt64(3), own.Sum(s => s.ReasoningTokens));
            Assert.Equal(row.GetInt64(4), own.Sum(s => s.CacheReadTokens));
            Assert.Equal(row.GetInt64(5), own.Sum(s => s.CacheWriteTokens));
            Assert.Equal(row.GetInt64(1), own[^1].SessionInputTokens);
            Assert.InRange(Math.Abs((double)own[^1].SessionCost!.Value - row.GetDouble(0)), 0, 1e-9);
        }

        // How long after OpenCode wrote a step-finish it reached us (same clock: OpenCode's time_created).
        var latencies = reader.Arrivals.Where(a => a.Event.Kind == ActivityKind.StepFinished)
            .Select(a => (a.Arrived - a.Event.Time).TotalMilliseconds).Order().ToList();
        output.WriteLine($"step-finish → event latency (ms): {string.Join(", ", latencies.Select(l => l.ToString("0")))}");
        Assert.All(latencies, l => Assert.InRange(l, -50, 1500));
    }

    [SkippableFact]
    public async Task Stopping_mid_answer_returns_at_once_and_leaves_no_open_file()
    {
        var sandbox = await live.SandboxAsync();
        var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions { DataPaths = [sandbox.DataDirectory] }, TestEnvironment.Isolated));
        var run = sandbox.PromptAsync("beta", "mock/mock-fast", "SLOW_REPLY stop me midway");
        reader.WaitFor(e => e.Kind == ActivityKind.StepStarted, Wait);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        reader.Dispose();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"stopping took {stopwatch.Elapsed}");
        if (OperatingSystem.IsLinux())
        {
            var open = Directory.GetFiles("/proc/self/fd").Select(fd => new FileInfo(fd)).Where(f =>
            {
                try
                {
                    return f.LinkTarget?.StartsWith(sandbox.DatabasePath, StringComparison.Ordinal) == true;
                }
                catch (IOException)
                {
                    return false;
                }
            });
            Assert.Empty(open);
        }

        Assert.True((await run).Succeeded); // OpenCode itself was not disturbed
    }

    [SkippableFact]
    public async Task A_running_server_reports_busy_steps_and_idle_through_its_event_stream()
    {
        var sandbox = await live.SandboxAsync();
        await using var server = await sandbox.StartServeAsync("alpha");
        using var reader = new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            Server = server.BaseUri,
            Credential = new NetworkCredential(server.Username, server.Password),
        }, TestEnvironment.Isolated));
        using var client = server.CreateClient();
        var session = (await ServeApi.CreateSessionAsync(server, client, CancellationToken.None)).Id!;
        var reply = await ServeApi.PromptAsync(server, client, session, "mock/mock-fast", "SLOW_REPLY over the server", CancellationToken.None);
        Assert.Equal(200, reply.Status);
        reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.SessionId == session, Wait);
        var kinds = reader.Events.Where(e => e.SessionId == session).Select(e => e.Kind).ToList();
        Assert.Equal(ActivityKind.SessionCreated, kinds[0]);
        Assert.True(kinds.IndexOf(ActivityKind.SessionBusy) < kinds.IndexOf(ActivityKind.StepFinished));
        Assert.True(kinds.IndexOf(ActivityKind.StepFinished) < kinds.LastIndexOf(ActivityKind.SessionIdle));
        var step = reader.Events.Single(e => e.Kind == ActivityKind.StepFinished && e.SessionId == session);
        using var db = new SqliteConnection($"Data Source={sandbox.DatabasePath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var command = new SqliteCommand("SELECT tokens_input, tokens_output FROM session WHERE id = $id", db);
        command.Parameters.AddWithValue("$id", session);
        using var row = command.ExecuteReader();
        Assert.True(row.Read());
        Assert.Equal(row.GetInt64(0), step.InputTokens);
        Assert.Equal(row.GetInt64(1), step.OutputTokens);
        Assert.Equal("alpha", step.ProjectName);
        Assert.DoesNotContain(reader.Messages, m => (m.Warning ?? m.Verbose ?? string.Empty).Contains(server.Password, StringComparison.Ordinal));

        // The wrong password ends a watch at once, saying so.
        using var refused = ActivityFeed.Start(new ActivityOptions { Server = server.BaseUri, Credential = new NetworkCredential("opencode", "wrong") }, TestEnvironment.Isolated);
        using var timeout = new CancellationTokenSource(Wait);
        OpenCodeUsageException? failure = null;
        while (await refused.ReadAsync(timeout.Token) is { } item)
        {
            failure = item.Failure ?? failure;
        }

        Assert.Equal("ServerAuthenticationFailed", failure?.ErrorId);
    }
}

[CollectionDefinition(Name)]
public sealed class LiveWatchCollection : ICollectionFixture<LiveSandboxFixture>
{
    public const string Name = "Live OpenCode watch";
}

/// <summary>One sandbox (mock LLM, projects alpha and beta, a first run done) shared by the live watch tests.</summary>
public sealed class LiveSandboxFixture : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-watch-").FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenCodeSandbox? _sandbox;

    public async Task<OpenCodeSandbox> SandboxAsync()
    {
        var binary = LiveOpenCode.Binary();
        await _gate.WaitAsync();
        try
        {
            if (_sandbox is null)
            {
                _sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions { OutputDirectory = Path.Combine(_root, "sandbox"), OpenCodeBinary = binary });
                // The first run creates the database and applies OpenCode's migrations: a watch needs a database to watch.
                var first = await _sandbox.PromptAsync("alpha", "mock/mock-fast", "warm up");
                Assert.True(first.Succeeded, first.Process.StandardError);
            }

            return _sandbox;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
        _gate.Dispose();
    }
}
