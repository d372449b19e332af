using System.Collections.Concurrent;
using OpenCodeFixture.Scenario;

namespace OpenCodeSoak;

/// <summary>
/// Concurrent writers, each running the real `opencode run` one after another until the phase ends, in a cycle
/// that touches everything OpenCode writes: a new session, a further turn of it, a fork of it, and a subagent (the
/// task tool: a tool call, a second step and a child session). Projects and models rotate per worker.
/// </summary>
internal sealed class OpenCodeWorkload(OpenCodeSandbox sandbox, int workers)
{
    /// <summary>Two git projects and a plain folder, which OpenCode files under its "global" project.</summary>
    public static readonly IReadOnlyList<string> Projects = [.. FixtureConfig.Projects, "scratch"];

    public async Task<IReadOnlyList<RunRecord>> RunAsync(string phase, TimeSpan duration, CancellationToken ct)
    {
        Directory.CreateDirectory(sandbox.ProjectDirectory("scratch"));
        var runs = new ConcurrentQueue<RunRecord>();
        var deadline = DateTime.UtcNow + duration;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(phase, w, deadline, runs, ct), ct)));
        return [.. runs];
    }

    private async Task WorkerAsync(string phase, int worker, DateTime deadline, ConcurrentQueue<RunRecord> runs, CancellationToken ct)
    {
        string? session = null;
        var project = Projects[worker % Projects.Count];
        var model = FixtureConfig.Models[worker % FixtureConfig.Models.Count];
        for (var turn = 0; DateTime.UtcNow < deadline; turn++)
        {
            // Workers start at different points of the cycle, so even a short phase has every kind of run.
            var step = (turn + worker) % 4;
            if (session is null && step is 1 or 2)
            {
                step = 0;
            }

            if (step == 0)
            {
                // A new session moves the worker to another project and model, so every pair occurs.
                project = Projects[(worker + turn / 4) % Projects.Count];
                model = FixtureConfig.Models[(worker + turn / 4) % FixtureConfig.Models.Count];
            }

            var words = $"{phase} worker {worker} turn {turn}";
            var run = step switch
            {
                1 => await sandbox.PromptAsync(project, model, "continue " + words, session, ct: ct, label: Label(phase, worker, turn)),
                2 => await sandbox.PromptAsync(project, model, "fork " + words, session, fork: true, ct: ct, label: Label(phase, worker, turn)),
                3 => await sandbox.PromptAsync(project, model, "SPAWN_SUBAGENT delegate " + words, ct: ct, label: Label(phase, worker, turn)),
                _ => await sandbox.PromptAsync(project, model, "start " + words, ct: ct, label: Label(phase, worker, turn)),
            };
            runs.Enqueue(RunRecord.Of(phase, run));
            // The subagent's session is left alone; the next turn continues (or forks) the plain one.
            if (step != 3)
            {
                session = run.SessionId ?? session;
            }
        }
    }

    private static string Label(string phase, int worker, int turn) => $"{phase}-w{worker}-{turn:000}";
}
