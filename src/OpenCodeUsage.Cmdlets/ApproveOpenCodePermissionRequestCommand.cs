using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>Allows a tool call a running OpenCode is waiting on: once, or with -Always for the rest of the session.</summary>
[Cmdlet(VerbsLifecycle.Approve, "OpenCodePermissionRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PendingAnswer))]
public sealed class ApproveOpenCodePermissionRequestCommand : AnswerCmdlet
{
    /// <summary>Also allow, for the rest of the session, every call matching the request's Always patterns.</summary>
    [Parameter]
    public SwitchParameter Always { get; set; }

    private protected override string AnswerName => Always ? "Always" : "Once";

    private protected override string Action => Always
        ? "Allow the tool call, and every later call of the session matching its 'always' patterns"
        : "Allow the tool call once";

    private protected override Task SendAsync(PendingRequests client, string? directory, CancellationToken cancellationToken) =>
        client.AnswerPermissionAsync(SessionId, Id, Always ? PermissionAnswer.Always : PermissionAnswer.Once, null, directory, cancellationToken);
}
