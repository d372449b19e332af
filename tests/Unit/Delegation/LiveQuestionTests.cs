using OpenCodeFixture.Mock;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Delegation;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// Nobody is there to answer a delegated run's questions. The real opencode serve 1.18.33 offers its sessions the
/// question tool (opencode run does not), and the mock calls it when asked to (ASK_QUESTION); a run delegated to
/// that server gets opencode run's rules, so the tool is never offered and the run cannot stall on a question.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LiveQuestionTests(DelegateSandbox live, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_server_run_is_never_offered_the_question_tool_that_a_plain_session_of_the_same_server_is()
    {
        var sandbox = await live.GetAsync();
        Directory.CreateDirectory(sandbox.ProjectDirectory("asks"));
        await using var server = await sandbox.StartServeAsync("asks");
        using var http = server.CreateClient();
        var plain = (await ServeApi.CreateSessionAsync(server, http, CancellationToken.None)).Id!;
        _ = ServeApi.PromptAsync(server, http, plain, "mock/mock-fast", "plain session " + MockPlanner.AskQuestionMarker, CancellationToken.None);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            while (DelegateSandbox.RequestsWith(sandbox, "plain session").Count == 0)
            {
                await Task.Delay(100, wait.Token); // that session now waits on its question; it is left to the server's end
            }
        }

        using var remote = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri, UserName = server.Username, Password = server.Password },
            DelegateSandbox.Options(sandbox, []));
        var result = await remote.RunAsync(
            DelegateSandbox.Task(sandbox, "asks", "delegated run " + MockPlanner.AskQuestionMarker, fresh: true, timeout: TimeSpan.FromSeconds(90)),
            CancellationToken.None);

        output.WriteLine($"{result.Status} {result.FailureKind}: {result.Error} / text '{result.Text}'");
        Assert.True(result.Status == DelegateStatus.Succeeded, result.Error);
        Assert.StartsWith("Hi! This is a deterministic reply", result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("question", Assert.Single(DelegateSandbox.RequestsWith(sandbox, "delegated run")).Request.Tools);
        Assert.Contains("question", DelegateSandbox.RequestsWith(sandbox, "plain session")[0].Request.Tools); // the server does offer it
    }
}
