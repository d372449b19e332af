using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Server;

/// <summary>Pending requests on a 2.x server: the /api routes and bodies of the SDK's v2 types, at the loopback mock.</summary>
public sealed class V2PendingRequestsTests
{
    [Fact]
    public async Task Permissions_are_listed_from_the_api_routes_and_answered_per_session()
    {
        using var mock = new V2ServeMock();
        mock.AskPermission("per_1", "ses_a", "bash", ["rm -rf build"], ["rm *"]);
        mock.AskPermission("per_2", "ses_b", "edit", ["src/a.ts"], []);
        mock.AskPermission("per_3", "ses_b", "edit", ["src/b.ts"], []);
        using var pending = new PendingRequests(mock.BaseUri, null, V2ServeMock.Password, _ => null);

        var listed = (await pending.PermissionsAsync("/srv/other", CancellationToken.None)).OrderBy(r => r.Id).ToList();
        Assert.Equal(["per_1", "per_2", "per_3"], listed.Select(r => r.Id));
        var bash = listed[0];
        Assert.Equal(("ses_a", "bash", "2.x", "call_per_1", "msg_per_1"), (bash.SessionId, bash.Permission, bash.ServerGeneration, bash.CallId, bash.MessageId));
        Assert.Equal(["rm -rf build"], bash.Patterns);
        Assert.Equal(["rm *"], bash.Always);
        Assert.Contains(mock.Requests, r => r.Path == "/api/permission/request?location%5Bdirectory%5D=%2Fsrv%2Fother");

        await pending.AnswerPermissionAsync("ses_a", "per_1", PermissionAnswer.Always, null, null, CancellationToken.None);
        await pending.AnswerPermissionAsync("ses_b", "per_2", PermissionAnswer.Once, null, null, CancellationToken.None);
        await pending.AnswerPermissionAsync("ses_b", "per_3", PermissionAnswer.Reject, "use git clean", null, CancellationToken.None);
        Assert.Equal(
            [("/api/session/ses_a/permission/per_1/reply", """{"reply":"always"}"""),
             ("/api/session/ses_b/permission/per_2/reply", """{"reply":"once"}"""),
             ("/api/session/ses_b/permission/per_3/reply", """{"reply":"reject","message":"use git clean"}""")],
            mock.Answers.Select(a => (a.Path, a.Body!.ToJsonString())));
        Assert.Empty(await pending.PermissionsAsync(null, CancellationToken.None));
        Assert.DoesNotContain(mock.Requests, r => r.Path.StartsWith("/permission", StringComparison.Ordinal)); // never a 1.x route
    }

    [Fact]
    public async Task Questions_are_listed_with_their_choices_then_answered_or_rejected()
    {
        using var mock = new V2ServeMock();
        mock.AskQuestion("que_1", "ses_a", "Which database?", "SQLite", "Postgres");
        mock.AskQuestion("que_2", "ses_a", "Go on?", "Yes", "No");
        using var pending = new PendingRequests(mock.BaseUri, "opencode", V2ServeMock.Password, _ => null);

        var first = (await pending.QuestionsAsync(null, CancellationToken.None)).Single(q => q.Id == "que_1");
        Assert.Equal("Which database?", first.Question);
        Assert.Equal(["SQLite", "Postgres"], Assert.Single(first.Questions).Options);
        Assert.False(first.Questions[0].Multiple);

        await pending.AnswerQuestionAsync("ses_a", "que_1", [["Postgres"]], null, CancellationToken.None);
        await pending.AnswerQuestionAsync("ses_a", "que_2", null, null, CancellationToken.None);
        Assert.Equal(
            [("/api/session/ses_a/question/que_1/reply", """{"answers":[["Postgres"]]}"""), ("/api/session/ses_a/question/que_2/reject", (string?)null)],
            mock.Answers.Select(a => (a.Path, a.Body?.ToJsonString())));
    }

    [Fact]
    public async Task An_answer_for_a_request_that_is_gone_and_a_missing_password_fail_with_stable_ids()
    {
        using var mock = new V2ServeMock();
        using var pending = new PendingRequests(mock.BaseUri, null, V2ServeMock.Password, _ => null);
        var gone = await Assert.ThrowsAsync<OpenCodeUsageException>(() => pending.AnswerPermissionAsync("ses_x", "per_x", PermissionAnswer.Once, null, null, CancellationToken.None));
        Assert.Equal("ServerRequestFailed", gone.ErrorId);
        Assert.Contains("Session not found", gone.Message, StringComparison.Ordinal);

        using var anonymous = new PendingRequests(mock.BaseUri, null, null, _ => null);
        Assert.Equal("ServerAuthenticationFailed", (await Assert.ThrowsAsync<OpenCodeUsageException>(() => anonymous.QuestionsAsync(null, CancellationToken.None))).ErrorId);
    }
}
