using OpenCodeFixture.Mock;
using OpenCodeUsage.Delegation;
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

    /// <summary>Through a 1.x server the delegate itself rejects the request (GET /permission, POST /permission/:id/reply); the run fails the same way.</summary>
    [SkippableFact]
    public async Task A_permission_request_rejected_through_a_server_fails_with_PermissionDenied()
    {
        var sandbox = await live.GetAsync();
        const string project = "perm-server";
        var directory = sandbox.ProjectDirectory(project);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "opencode.json"), "{ \"permission\": { \"task\": \"ask\" } }\n");
        await using var server = await sandbox.StartServeAsync(project);
        var log = new List<string>();
        using var remote = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri, UserName = server.Username, Password = server.Password },
            DelegateSandbox.Options(sandbox, log));

        var result = await remote.RunAsync(
            DelegateSandbox.Task(sandbox, project, "server permission check " + MockPlanner.SpawnSubagentMarker, fresh: true), CancellationToken.None);

        output.WriteLine($"{result.Status} {result.FailureKind}: {result.Error} / text '{result.Text}'\n" + string.Join("\n", log));
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.PermissionDenied), (result.Status, result.FailureKind));
        Assert.Contains("'task'", result.Error, StringComparison.Ordinal);
        Assert.Contains(log, l => l.Contains("rejected, as opencode run does", StringComparison.Ordinal));
    }
}
