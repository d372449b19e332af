using OpenCodeFixture.Mock;

namespace OpenCodeFixture.Scenario;

/// <summary>One step of the scenario: an <c>opencode run</c>, or a session made over HTTP.</summary>
/// <param name="Label">s01, s01-turn2, s02, …, s01-fork, stats (names the files under runs/).</param>
/// <param name="Kind">new, continue, subagent-parent, http-serve, fork, fork-http or stats.</param>
/// <param name="SessionId">The session the step worked in (for a fork: the new copy).</param>
/// <param name="ExitCode">The process exit code; for HTTP steps 0 when a session was made, else 1.</param>
/// <param name="OutputLines">stdout lines of a run (JSON events), or the HTTP replies of an HTTP step.</param>
public sealed record ScenarioStepResult(
    string Label,
    string Kind,
    string Model,
    string Project,
    string? SessionId,
    int ExitCode,
    bool TimedOut,
    TimeSpan Duration,
    IReadOnlyList<string> OutputLines,
    string ErrorOutput)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;
}

/// <summary>What a scenario made and where.</summary>
/// <param name="DataDirectory">OpenCode's data dir (…/home/.local/share/opencode): pass it as -DataPath.</param>
/// <param name="DatabasePath">…/opencode.db (absent for OpenCode ≤ 1.1, which writes storage/ instead).</param>
/// <param name="SessionIds">Sessions the steps worked in, in order, without repeats (children not included).</param>
/// <param name="SubagentSessionId">The child session the task tool made (its parent is SubagentParentSessionId).</param>
/// <param name="MockRequests">Everything the mock answered, title requests included.</param>
public sealed record ScenarioResult(
    string OutputDirectory,
    string DataDirectory,
    string DatabasePath,
    string Binary,
    OpenCodeFeatures Features,
    IReadOnlyList<ScenarioStepResult> Steps,
    IReadOnlyList<string> SessionIds,
    string? FirstSessionId,
    string? SubagentParentSessionId,
    string? SubagentSessionId,
    string? ServeSessionId,
    string? ForkSessionId,
    IReadOnlyList<MockRequest> MockRequests,
    TimeSpan Duration)
{
    public bool AllSucceeded => Steps.All(s => s.Succeeded);
}
