using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>Lists the tool calls a running OpenCode (1.x or 2.x) is waiting for someone to allow or deny.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodePermissionRequest")]
[OutputType(typeof(PermissionRequest))]
public sealed class GetOpenCodePermissionRequestCommand : OpenCodeServerCmdlet
{
    /// <summary>Only requests of these sessions (wildcards).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.SessionIdCompleter))]
    public string[]? SessionId { get; set; }

    /// <summary>The project directory on the server's machine to ask about; the server's own when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Directory { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<PermissionRequest> requests = [];
        var sessions = Wildcards(SessionId);
        if (Call(async (client, ct) => requests = await client.PermissionsAsync(Directory, ct).ConfigureAwait(false)) is { } error)
        {
            ThrowTerminatingError(error);
        }

        foreach (var request in requests.Where(r => sessions is null || sessions(r.SessionId)))
        {
            WriteObject(request);
        }
    }
}
