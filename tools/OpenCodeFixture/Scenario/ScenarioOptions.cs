namespace OpenCodeFixture.Scenario;

/// <summary>The optional parts of the scenario; the fresh sessions always run.</summary>
[Flags]
public enum ScenarioSteps
{
    None = 0,
    /// <summary>Session 1 gets a second turn with <c>--session</c> (mock-reason; reads the cache).</summary>
    SecondTurn = 1,
    /// <summary>Session 2 says SPAWN_SUBAGENT: the model calls the task tool and OpenCode makes a child session.</summary>
    Subagent = 2,
    /// <summary>Session 3 goes through <c>opencode serve</c> and its HTTP API with Basic auth.</summary>
    ServeSession = 4,
    /// <summary>At the end session 1 is forked (<c>run --session S1 --fork</c>, or over HTTP on 1.0).</summary>
    Fork = 8,
    /// <summary>Saves <c>opencode stats --models</c> to stats.txt.</summary>
    Stats = 16,
    All = SecondTurn | Subagent | ServeSession | Fork | Stats,
}

/// <summary>What make-real-db.sh runs, as options: N fresh sessions plus the chosen steps.</summary>
public sealed record ScenarioOptions : SandboxOptions
{
    /// <summary>Fresh sessions, round-robin over the 4 models and 2 projects.</summary>
    public int Sessions { get; init; } = 6;

    public ScenarioSteps Steps { get; init; } = ScenarioSteps.All;

    /// <summary>Called after each step, in order (the CLI prints progress with it).</summary>
    public Action<ScenarioStepResult>? StepFinished { get; init; }

    /// <summary>Just <paramref name="sessions"/> plain runs: the quickest real data (one OpenCode start each).</summary>
    public static ScenarioOptions Minimal(string outputDirectory, int sessions = 2) => new()
    {
        OutputDirectory = outputDirectory,
        Sessions = sessions,
        Steps = ScenarioSteps.None,
    };
}
