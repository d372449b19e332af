using OpenCodeFixture.Mock;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// A run whose tool call OpenCode refused is a failure, not an empty success: the mock asks for the task tool
/// (SPAWN_SUBAGENT) in a project whose own opencode.json asks for, or denies, that permission.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LivePermissionTests(DelegateSandbox live, ITestOutputHelper output)
{
    // "deny" is no test of this: OpenCode then never offers the tool, and the model just answers.
    [SkippableTheory]
    [InlineData("ask")]
    public async Task A_refused_tool_call_fails_with_PermissionDenied(string rule)
    {
        var sandbox = await live.GetAsync();
        var project = "perm-" + rule;
        var directory = sandbox.ProjectDirectory(project);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "opencode.json"), "{ \"permission\": { \"task\": \"" + rule + "\" } }\n");

        var result = await DelegateSandbox.Runner(sandbox).RunAsync(
            DelegateSandbox.Task(sandbox, project, "permission check " + MockPlanner.SpawnSubagentMarker, fresh: true), CancellationToken.None);

        output.WriteLine($"{result.Status} {result.FailureKind}: {result.Error} / text '{result.Text}'");
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.PermissionDenied), (result.Status, result.FailureKind));
        Assert.Contains("task", result.Error, StringComparison.Ordinal);
        Assert.NotNull(result.SessionId);
    }
}
