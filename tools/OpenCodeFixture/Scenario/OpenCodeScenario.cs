using System.Diagnostics;
using System.Globalization;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// make-real-db.sh in C#: N fresh sessions round-robin over the 4 models and 2 projects; session 1
/// gets a second turn; session 2 spawns a subagent; session 3 goes over HTTP; session 1 is forked
/// at the end. Writes features.txt, timings.tsv and runs/* into the output directory.
/// </summary>
public static class OpenCodeScenario
{
    /// <summary>Makes a sandbox, runs the scenario in it and stops every process before returning.</summary>
    public static async Task<ScenarioResult> RunAsync(ScenarioOptions options, CancellationToken ct = default)
    {
        await using var sandbox = await OpenCodeSandbox.CreateAsync(options, ct);
        return await RunAsync(sandbox, options.Sessions, options.Steps, options.StepFinished, ct);
    }

    /// <summary>Runs the scenario in an existing sandbox (which stays usable afterwards).</summary>
    public static async Task<ScenarioResult> RunAsync(OpenCodeSandbox sandbox, int sessions, ScenarioSteps steps,
        Action<ScenarioStepResult>? stepFinished = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sessions);
        var clock = Stopwatch.StartNew();
        var features = await sandbox.GetFeaturesAsync(ct);
        if (!features.RunHasFormat)
            throw new NotSupportedException($"OpenCode {features.Version} has no `run --format json`; the scenario needs it");

        var plan = new Plan(features, steps);
        await File.WriteAllTextAsync(Path.Combine(sandbox.OutputDirectory, "features.txt"),
            features.Describe(sandbox.Binary, plan.ForkMode, plan.ServeSession), ct);
        var recorder = new StepRecorder(Path.Combine(sandbox.OutputDirectory, "timings.tsv"), stepFinished);
        var runner = new StepRunner(sandbox, recorder);

        string? first = null, subagentParent = null, subagent = null, served = null, fork = null;
        for (var i = 1; i <= sessions; i++)
        {
            var model = FixtureConfig.Models[(i - 1) % FixtureConfig.Models.Count];
            var project = FixtureConfig.Projects[(i - 1) % FixtureConfig.Projects.Count];
            var label = $"s{i:00}";
            if (i == 2 && steps.HasFlag(ScenarioSteps.Subagent))
            {
                var step = await runner.RunAsync(label, "subagent-parent", FixtureConfig.SmartModel, project,
                    [], $"SPAWN_SUBAGENT please delegate fixture task {i}", ct);
                subagentParent = step.SessionId;
                subagent = OpenCodeRun.ChildSessionIdsOf(step.OutputLines) is { Count: > 0 } children ? children[0] : null;
            }
            else if (i == 3 && plan.ServeSession)
            {
                served = (await runner.ServeSessionAsync(label, model, project, $"fixture session {i} sent over HTTP", ct)).SessionId;
            }
            else
            {
                var step = await runner.RunAsync(label, "new", model, project, [], $"fixture session {i} please say hi", ct);
                if (i == 1) first = step.SessionId;
            }

            if (i == 1 && first is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(sandbox.RunsDirectory, "s01.sid"), first + "\n", ct);
                if (plan.SecondTurn)
                {
                    await runner.RunAsync("s01-turn2", "continue", FixtureConfig.ReasonModel, project,
                        ["--session", first], "second turn please continue", ct);
                }
            }
        }

        if (first is not null && plan.ForkMode == "cli")
        {
            fork = (await runner.RunAsync("s01-fork", "fork", FixtureConfig.FastModel, FixtureConfig.Projects[0],
                ["--session", first, "--fork"], "forked follow up question", ct)).SessionId;
        }
        else if (first is not null && plan.ForkMode == "http")
        {
            fork = (await runner.ForkOverHttpAsync("s01-fork", first, ct)).SessionId;
        }

        if (steps.HasFlag(ScenarioSteps.Stats) && features.HasStats)
            await runner.StatsAsync(ct);

        var sessionIds = recorder.Steps.Where(s => s.Kind != "stats").Select(s => s.SessionId)
            .OfType<string>().Distinct().ToList();
        return new ScenarioResult(sandbox.OutputDirectory, sandbox.DataDirectory, sandbox.DatabasePath, sandbox.Binary,
            features, recorder.Steps, sessionIds, first, subagentParent, subagent, served, fork, sandbox.Mock.Requests, clock.Elapsed);
    }

    /// <summary>Which optional steps this binary can do (make-real-db.sh's FORK=auto and SERVE rules).</summary>
    sealed class Plan(OpenCodeFeatures features, ScenarioSteps steps)
    {
        public bool SecondTurn { get; } = steps.HasFlag(ScenarioSteps.SecondTurn) && features.RunHasSession;

        public bool ServeSession { get; } = steps.HasFlag(ScenarioSteps.ServeSession) && features.HasServe;

        /// <summary>cli, http or none.</summary>
        public string ForkMode { get; } = !steps.HasFlag(ScenarioSteps.Fork) ? "none"
            : features.RunHasFork ? "cli"
            : features.HasServe ? "http"
            : "none";
    }

    /// <summary>Collects step results, appends timings.tsv lines and reports progress.</summary>
    internal sealed class StepRecorder
    {
        readonly string _timings;
        readonly Action<ScenarioStepResult>? _stepFinished;
        readonly List<ScenarioStepResult> _steps = [];

        public StepRecorder(string timingsFile, Action<ScenarioStepResult>? stepFinished)
        {
            _timings = timingsFile;
            _stepFinished = stepFinished;
            File.WriteAllText(_timings, "label\tkind\tmodel\tproject\tseconds\trc\n");
        }

        public IReadOnlyList<ScenarioStepResult> Steps => _steps;

        public ScenarioStepResult Add(ScenarioStepResult step)
        {
            _steps.Add(step);
            var seconds = step.Duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
            File.AppendAllText(_timings, $"{step.Label}\t{step.Kind}\t{step.Model}\t{step.Project}\t{seconds}\t{step.ExitCode}\n");
            _stepFinished?.Invoke(step);
            return step;
        }
    }
}
