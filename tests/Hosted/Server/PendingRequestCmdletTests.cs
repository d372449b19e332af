using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted.Server;

/// <summary>The permission and question cmdlets at a 2.x mock server: pipeline binding, ShouldProcess, one error per failed answer.</summary>
public sealed class PendingRequestCmdletTests
{
    private const string Credential = "$c = [pscredential]::new('opencode', (ConvertTo-SecureString $args[1] -AsPlainText -Force))\n";

    [Fact]
    public void Listed_permissions_pipe_into_the_answers_and_WhatIf_sends_nothing()
    {
        using var mock = new V2ServeMock();
        mock.AskPermission("per_1", "ses_a", "bash", ["rm -rf build"], ["rm *"]);
        mock.AskPermission("per_2", "ses_b", "edit", ["src/a.ts"], []);
        using var engine = new Engine();

        var listed = engine.Run(Credential + "Get-OpenCodePermissionRequest -Server $args[0] -Credential $c -SessionId ses_a", mock.BaseUri, V2ServeMock.Password);
        Assert.True(listed.Count == 1, string.Join("\n", engine.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        Assert.Equal("per_1", listed[0].Properties["Id"].Value);

        engine.Run(Credential + "Get-OpenCodePermissionRequest -Server $args[0] -Credential $c | Approve-OpenCodePermissionRequest -Credential $c -WhatIf", mock.BaseUri, V2ServeMock.Password);
        Assert.Empty(mock.Answers);
        Assert.Contains("Allow the tool call once", engine.Host.Text, StringComparison.Ordinal);

        var answers = engine.Run(Credential + """
            Get-OpenCodePermissionRequest -Server $args[0] -Credential $c -SessionId ses_a | Approve-OpenCodePermissionRequest -Always -Credential $c -PassThru
            Get-OpenCodePermissionRequest -Server $args[0] -Credential $c -SessionId ses_b | Deny-OpenCodePermissionRequest -Message 'not that file' -Credential $c -PassThru
            """, mock.BaseUri, V2ServeMock.Password);
        Assert.Empty(engine.Errors);
        Assert.Equal(["per_1: Always", "per_2: Reject"], answers.Select(a => a.ToString()));
        Assert.Equal(
            [("/api/session/ses_a/permission/per_1/reply", """{"reply":"always"}"""), ("/api/session/ses_b/permission/per_2/reply", """{"reply":"reject","message":"not that file"}""")],
            mock.Answers.Select(a => (a.Path, a.Body!.ToJsonString())));
        Assert.DoesNotContain(V2ServeMock.Password, engine.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Questions_are_answered_and_rejected_and_a_gone_request_is_one_error()
    {
        using var mock = new V2ServeMock();
        mock.AskQuestion("que_1", "ses_a", "Which database?", "SQLite", "Postgres");
        mock.AskQuestion("que_2", "ses_a", "Go on?", "Yes", "No");
        using var engine = new Engine();
        var question = engine.Run(Credential + "Get-OpenCodeQuestion -Server $args[0] -Credential $c | Where-Object Id -eq que_1", mock.BaseUri, V2ServeMock.Password).Single();
        Assert.Equal("Which database?", question.Properties["Question"].Value);

        engine.Run(Credential + """
            Get-OpenCodeQuestion -Server $args[0] -Credential $c | Where-Object Id -eq que_1 | Submit-OpenCodeAnswer -Answer Postgres -Credential $c -Confirm:$false
            Get-OpenCodeQuestion -Server $args[0] -Credential $c | Deny-OpenCodeQuestion -Credential $c -Confirm:$false
            Deny-OpenCodeQuestion que_1 -SessionId ses_a -Server $args[0] -Credential $c
            """, mock.BaseUri, V2ServeMock.Password);
        Assert.Equal(
            [("/api/session/ses_a/question/que_1/reply", """{"answers":[["Postgres"]]}"""), ("/api/session/ses_a/question/que_2/reject", (string?)null)],
            mock.Answers.Select(a => (a.Path, a.Body?.ToJsonString())));
        var gone = Assert.Single(engine.Errors);
        Assert.Equal("ServerRequestFailed,OpenCodeUsage.Commands.DenyOpenCodeQuestionCommand", gone.FullyQualifiedErrorId);
    }

    [Fact]
    public void The_address_rules_and_a_refused_credential_give_the_server_ids()
    {
        using var mock = new V2ServeMock();
        using var engine = new Engine();
        Assert.Equal("ServerUriInvalid,OpenCodeUsage.Commands.GetOpenCodeQuestionCommand",
            engine.RunExpectingTermination("Get-OpenCodeQuestion -Server 'http://opencode:hunter2@127.0.0.1:9/'").FullyQualifiedErrorId);
        var insecure = engine.RunExpectingTermination(Credential + "Get-OpenCodePermissionRequest -Server http://opencode.example.com:4096 -Credential $c", "x", "hunter2");
        Assert.Equal("ServerUriInsecure,OpenCodeUsage.Commands.GetOpenCodePermissionRequestCommand", insecure.FullyQualifiedErrorId);
        var refused = engine.RunExpectingTermination(Credential + "Get-OpenCodePermissionRequest -Server $args[0] -Credential $c", mock.BaseUri, "wrong");
        Assert.Equal("ServerAuthenticationFailed,OpenCodeUsage.Commands.GetOpenCodePermissionRequestCommand", refused.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, refused.CategoryInfo.Category);
    }

    [Fact]
    public void A_session_waiting_on_a_2x_server_reads_WaitingPermission_and_a_running_one_Busy()
    {
        using var mock = new V2ServeMock();
        var data = RepoPaths.DataDir("v2/native");
        using var engine = new Engine();
        var ids = engine.Run("Get-OpenCodeSession -DataPath $args[0] | Sort-Object Id | Select-Object -First 2 | ForEach-Object Id", data).Select(o => o.ToString()).ToList();
        mock.AskPermission("per_9", ids[0], "bash", ["ls"], []);
        mock.Run(ids[1]);
        var sessions = engine.Run(Credential + "Get-OpenCodeSession -DataPath $args[2] -Server $args[0] -Credential $c | Where-Object Id -in $args[3]", mock.BaseUri, V2ServeMock.Password, data, ids.ToArray())
            .ToDictionary(s => s.Properties["Id"].Value.ToString()!, s => s.Properties["Status"].Value.ToString());
        Assert.Empty(engine.Errors);
        Assert.Equal("WaitingPermission", sessions[ids[0]]);
        Assert.Equal("Busy", sessions[ids[1]]);
        Assert.Contains(mock.Requests, r => r.Path == "/api/session/active");
    }
}
