using System.Text.Json.Nodes;
using OpenCodeFixture.Mock;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Server;
using OpenCodeUsage.Tests.Delegation;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Server;

/// <summary>
/// The real opencode serve 1.18.33 asks for a permission (the mock calls the task tool in a project whose
/// opencode.json says <c>"task": "ask"</c>) and a question (the mock calls the question tool, which serve offers);
/// both are listed and answered through the one server client.
/// </summary>
[Collection(DelegateCollection.Name)]
public sealed class LivePendingRequestsTests(DelegateSandbox live, ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task A_permission_the_real_server_asks_for_is_listed_then_allowed_once_or_rejected()
    {
        var sandbox = await live.GetAsync();
        var directory = sandbox.ProjectDirectory("pending");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "opencode.json"), "{ \"permission\": { \"task\": \"ask\" } }\n");
        await using var server = await sandbox.StartServeAsync("pending");
        using var http = server.CreateClient();
        using var pending = new PendingRequests(server.BaseUri, server.Username, server.Password, _ => null);

        foreach (var answer in new[] { PermissionAnswer.Once, PermissionAnswer.Reject })
        {
            var session = (await ServeApi.CreateSessionAsync(server, http, CancellationToken.None)).Id!;
            var prompt = ServeApi.PromptAsync(server, http, session, "mock/mock-fast", $"pending {answer} " + MockPlanner.SpawnSubagentMarker, CancellationToken.None);
            var request = await WaitForAsync(() => pending.PermissionsAsync(server.Directory, CancellationToken.None), r => r.SessionId == session);
            output.WriteLine($"{request.Id} {request.Permission} [{string.Join(", ", request.Patterns)}] always [{string.Join(", ", request.Always)}]");
            Assert.Equal(("task", "1.x", server.Directory), (request.Permission, request.ServerGeneration, request.Directory));
            Assert.NotNull(request.CallId);
            Assert.False(prompt.IsCompleted); // the session waits for the answer

            await pending.AnswerPermissionAsync(request.SessionId, request.Id, answer, answer == PermissionAnswer.Reject ? "not now" : null, server.Directory, CancellationToken.None);
            var reply = await prompt.WaitAsync(Wait);
            Assert.DoesNotContain(await pending.PermissionsAsync(server.Directory, CancellationToken.None), r => r.SessionId == session);

            var messages = JsonNode.Parse((await ServeApi.GetAsync(server, http, $"session/{session}/message", CancellationToken.None)).Body)!.AsArray();
            var tool = messages.SelectMany(m => m!["parts"]!.AsArray()).Single(p => (string?)p!["type"] == "tool" && (string?)p["tool"] == "task")!;
            output.WriteLine($"{answer}: tool {tool["state"]!["status"]}; reply {reply.Status}");
            Assert.Equal(answer == PermissionAnswer.Once ? "completed" : "error", (string?)tool["state"]!["status"]);
        }
    }

    [SkippableFact]
    public async Task A_question_the_real_server_asks_is_listed_then_answered_or_rejected()
    {
        var sandbox = await live.GetAsync();
        Directory.CreateDirectory(sandbox.ProjectDirectory("question"));
        await using var server = await sandbox.StartServeAsync("question");
        using var http = server.CreateClient();
        using var pending = new PendingRequests(server.BaseUri, server.Username, server.Password, _ => null);

        foreach (var answer in new[] { "Blue", null })
        {
            var session = (await ServeApi.CreateSessionAsync(server, http, CancellationToken.None)).Id!;
            var prompt = ServeApi.PromptAsync(server, http, session, "mock/mock-fast", $"colour {answer ?? "rejected"} " + MockPlanner.AskQuestionMarker, CancellationToken.None);
            var request = await WaitForAsync(() => pending.QuestionsAsync(server.Directory, CancellationToken.None), r => r.SessionId == session);
            var item = Assert.Single(request.Questions);
            output.WriteLine($"{request.Id}: {item.Question} [{string.Join(", ", item.Options)}] custom {item.Custom}");
            Assert.Equal((MockPlanner.QuestionText, "Colour", "1.x"), (item.Question, item.Header, request.ServerGeneration));
            Assert.Equal(["Red", "Blue"], item.Options);
            Assert.NotNull(request.CallId);
            Assert.False(prompt.IsCompleted); // the session waits for the answer

            await pending.AnswerQuestionAsync(request.SessionId, request.Id, answer is null ? null : [[answer]], server.Directory, CancellationToken.None);
            await prompt.WaitAsync(Wait);
            Assert.DoesNotContain(await pending.QuestionsAsync(server.Directory, CancellationToken.None), r => r.SessionId == session);

            var messages = JsonNode.Parse((await ServeApi.GetAsync(server, http, $"session/{session}/message", CancellationToken.None)).Body)!.AsArray();
            var tool = messages.SelectMany(m => m!["parts"]!.AsArray()).Single(p => (string?)p!["type"] == "tool" && (string?)p["tool"] == "question")!;
            output.WriteLine($"{answer ?? "rejected"}: tool {tool["state"]!["status"]}");
            Assert.Equal(answer is null ? "error" : "completed", (string?)tool["state"]!["status"]);
            if (answer is not null)
            {
                Assert.Contains("\"Blue\"", (string?)tool["state"]!["output"], StringComparison.Ordinal); // OpenCode hands the answer to the model
            }
        }
    }

    [SkippableFact]
    public async Task The_real_server_is_told_1x_and_a_wrong_password_is_ServerAuthenticationFailed()
    {
        var sandbox = await live.GetAsync();
        await using var server = await sandbox.StartServeAsync("alpha");
        using var client = new ServerClient(server.BaseUri, server.Username, server.Password, _ => null);
        Assert.Equal(new ServerIdentity(ServerGeneration.V1, "1.18.33"), await client.IdentifyAsync(CancellationToken.None));

        using var wrong = new PendingRequests(server.BaseUri, server.Username, "not-the-password", _ => null);
        var error = await Assert.ThrowsAsync<OpenCodeUsageException>(() => wrong.PermissionsAsync(null, CancellationToken.None));
        Assert.Equal("ServerAuthenticationFailed", error.ErrorId);
        Assert.DoesNotContain(server.Password, error.Message, StringComparison.Ordinal);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<IReadOnlyList<T>>> list, Func<T, bool> match)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if ((await list()).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(200, timeout.Token);
        }
    }
}
