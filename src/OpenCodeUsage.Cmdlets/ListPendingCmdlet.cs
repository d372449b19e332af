using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>Lists one kind of pending request of a running OpenCode, optionally only some sessions' (wildcards).</summary>
public abstract class ListPendingCmdlet<T> : OpenCodeServerCmdlet
    where T : PendingRequest
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

    private protected abstract Task<IReadOnlyList<T>> ListAsync(PendingRequests client, string? directory, CancellationToken cancellationToken);

    protected override void ProcessRecord()
    {
        IReadOnlyList<T> requests = [];
        var sessions = Wildcards(SessionId);
        if (Call(async (client, ct) => requests = await ListAsync(client, Directory, ct).ConfigureAwait(false)) is { } error)
        {
            ThrowTerminatingError(error);
        }

        foreach (var request in requests.Where(r => sessions is null || sessions(r.SessionId)))
        {
            WriteObject(request);
        }
    }
}
