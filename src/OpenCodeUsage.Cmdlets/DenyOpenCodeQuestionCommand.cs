using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>Rejects an agent's question on a running OpenCode: the agent goes on without an answer.</summary>
[Cmdlet(VerbsLifecycle.Deny, "OpenCodeQuestion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PendingAnswer))]
public sealed class DenyOpenCodeQuestionCommand : AnswerCmdlet
{
    private protected override string AnswerName => "Reject";

    private protected override string Action => "Reject the question without an answer";

    private protected override Task SendAsync(OpenCodeUsage.Server.PendingRequests client, string? directory, CancellationToken cancellationToken) =>
        client.AnswerQuestionAsync(SessionId, Id, null, directory, cancellationToken);
}
