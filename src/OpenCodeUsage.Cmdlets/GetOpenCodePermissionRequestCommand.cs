using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>Lists the tool calls a running OpenCode (1.x or 2.x) is waiting for someone to allow or deny.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodePermissionRequest")]
[OutputType(typeof(PermissionRequest))]
public sealed class GetOpenCodePermissionRequestCommand : ListPendingCmdlet<PermissionRequest>
{
    private protected override Task<IReadOnlyList<PermissionRequest>> ListAsync(PendingRequests client, string? directory, CancellationToken cancellationToken) =>
        client.PermissionsAsync(directory, cancellationToken);
}
