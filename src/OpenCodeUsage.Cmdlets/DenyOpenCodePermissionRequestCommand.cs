using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>Denies a tool call a running OpenCode is waiting on; the agent is told, with -Message if given.</summary>
[Cmdlet(VerbsLifecycle.Deny, "OpenCodePermissionRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PendingAnswer))]
public sealed class DenyOpenCodePermissionRequestCommand : AnswerCmdlet
{
    /// <summary>Why, or what to do instead: passed to the agent with the rejection.</summary>
    [Parameter]
    public string? Message { get; set; }

    private protected override string AnswerName => "Reject";

    private protected override string Action => Message is { Length: > 0 } ? $"Deny the tool call, telling the agent: {Message}" : "Deny the tool call";

    private protected override string? Detail => Message;

    private protected override Task SendAsync(PendingRequests client, string? directory, CancellationToken cancellationToken) =>
        client.AnswerPermissionAsync(SessionId, Id, PermissionAnswer.Reject, Message, directory, cancellationToken);
}
