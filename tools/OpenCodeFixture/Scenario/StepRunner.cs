using System.Diagnostics;

namespace OpenCodeFixture.Scenario;

/// <summary>Carries out the scenario's kinds of step in a sandbox and records each one.</summary>
sealed class StepRunner(OpenCodeSandbox sandbox, OpenCodeScenario.StepRecorder recorder)
{
    /// <summary>One <c>opencode run -m model [extra] prompt words…</c>.</summary>
    public async Task<ScenarioStepResult> RunAsync(string label, string kind, string model, string project,
        IReadOnlyList<string> extraArguments, string prompt, CancellationToken ct)
    {
        string[] args = ["-m", model, .. extraArguments, .. prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        var run = await sandbox.RunAsync(project, args, label, ct: ct);
        return recorder.Add(new ScenarioStepResult(label, kind, model, project, run.SessionId, run.ExitCode,
            run.Process.TimedOut, run.Duration, run.Process.OutputLines, run.Process.StandardError));
    }

    /// <summary>A session made and prompted over <c>opencode serve</c>'s HTTP API (time includes the server's start).</summary>
    public Task<ScenarioStepResult> ServeSessionAsync(string label, string model, string project, string prompt, CancellationToken ct) =>
        OverHttpAsync(label, "http-serve", model, project, "serve.out", async (server, client, replies) =>
        {
            var sessionId = (await SaveAsync(label + ".create.json", ServeApi.CreateSessionAsync(server, client, ct), replies, ct)).Id;
            if (sessionId is null) return null;
            await SaveAsync(label + ".message.json", ServeApi.PromptAsync(server, client, sessionId, model, prompt, ct), replies, ct);
            await SaveAsync(label + ".status.json", ServeApi.GetAsync(server, client, "session/status", ct), replies, ct);
            await SaveAsync(label + ".messages.json", ServeApi.GetAsync(server, client, $"session/{sessionId}/message", ct), replies, ct);
            return sessionId;
        }, ct);

    /// <summary>For versions without <c>run --fork</c>: POST /session/:id/fork, then a prompt in the copy.</summary>
    public Task<ScenarioStepResult> ForkOverHttpAsync(string label, string sourceSessionId, CancellationToken ct) =>
        OverHttpAsync(label, "fork-http", FixtureConfig.FastModel, FixtureConfig.Projects[0], "serve-fork.out", async (server, client, replies) =>
        {
            var forkId = (await SaveAsync(label + ".create.json", ServeApi.ForkAsync(server, client, sourceSessionId, ct), replies, ct)).Id;
            if (forkId is null) return null;
            await SaveAsync(label + ".message.json",
                ServeApi.PromptAsync(server, client, forkId, FixtureConfig.FastModel, "forked follow up question", ct), replies, ct);
            return forkId;
        }, ct);

    /// <summary>
    /// Starts a server in the project, runs <paramref name="calls"/> (which return the session worked
    /// in) and stops it. A server that does not come up fails the step, not the whole scenario.
    /// </summary>
    async Task<ScenarioStepResult> OverHttpAsync(string label, string kind, string model, string project, string logName,
        Func<OpenCodeServer, HttpClient, List<string>, Task<string?>> calls, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var replies = new List<string>();
        string? sessionId = null;
        var error = "";
        try
        {
            await using var server = await sandbox.StartServeAsync(project, logName, ct);
            using var client = server.CreateClient();
            sessionId = await calls(server, client, replies);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException && !ct.IsCancellationRequested)
        {
            error = e.Message;
        }
        return recorder.Add(new ScenarioStepResult(label, kind, model, project, sessionId,
            sessionId is null ? 1 : 0, false, clock.Elapsed, replies, error));
    }

    /// <summary>OpenCode's own <c>stats --models</c>, saved verbatim to stats.txt (it counts fork copies twice).</summary>
    public async Task StatsAsync(CancellationToken ct)
    {
        var project = FixtureConfig.Projects[0];
        var result = await sandbox.InvokeAsync(project, ["stats", "--models"], ct: ct);
        await File.WriteAllTextAsync(Path.Combine(sandbox.OutputDirectory, "stats.txt"), result.StandardOutput + result.StandardError, ct);
        recorder.Add(new ScenarioStepResult("stats", "stats", "", project, null, result.ExitCode, result.TimedOut,
            result.Duration, result.OutputLines, result.StandardError));
    }

    async Task<ServeApi.Reply> SaveAsync(string file, Task<ServeApi.Reply> call, List<string> replies, CancellationToken ct)
    {
        ServeApi.Reply reply;
        try
        {
            reply = await call;
        }
        catch (HttpRequestException e)
        {
            reply = new ServeApi.Reply(0, "request failed: " + e.Message);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            reply = new ServeApi.Reply(0, "request timed out: " + e.Message);
        }
        await File.WriteAllTextAsync(Path.Combine(sandbox.RunsDirectory, file), reply.Body, ct);
        replies.Add(reply.Body);
        return reply;
    }
}
