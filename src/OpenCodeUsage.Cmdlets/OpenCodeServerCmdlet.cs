using System.Collections.Concurrent;
using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>
/// A cmdlet that talks to a running <c>opencode serve</c> (1.x or 2.x): -Server and -Credential, one client per
/// server address for the whole pipeline, Core's failures as records with the server error ids.
/// </summary>
public abstract class OpenCodeServerCmdlet : OpenCodeCmdlet
{
    private readonly Dictionary<Uri, PendingRequests> _clients = [];

    // Core narrates its requests from whatever thread its awaits resume on; they are written here, after each call.
    private readonly ConcurrentQueue<string> _requests = new();

    /// <summary>
    /// The address of the running server, e.g. http://127.0.0.1:4096, or Get-OpenCodeService's output (its recorded
    /// password is then used); answering cmdlets take it from the piped request, and a piped service binds by its Url.
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ServiceArgument]
    public Uri Server { get; set; } = null!;

    /// <summary>Basic auth: the server's OPENCODE_SERVER_PASSWORD (user opencode unless OPENCODE_SERVER_USERNAME says otherwise). Without it, OPENCODE_SERVER_PASSWORD of this session is used.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Credential]
    public PSCredential? Credential { get; set; }

    // Talks HTTP only: no database, so no native SQLite check.
    protected override void BeginProcessing()
    {
    }

    protected override void EndProcessing()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }

    /// <summary>The client for the current -Server; a bad address ends the command (ServerUriInvalid, ServerUriInsecure).</summary>
    internal PendingRequests Client()
    {
        if (_clients.TryGetValue(Server, out var client))
        {
            return client;
        }

        try
        {
            var credential = ServiceAddress.CredentialFor(Server, Credential);
            client = new PendingRequests(Server, credential?.UserName, credential?.Password, Environment,
                new ActivityLog { Debug = _requests.Enqueue });
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
            throw; // unreachable: ThrowTerminatingError always throws
        }

        _clients[Server] = client;
        return client;
    }

    /// <summary>Runs a call to the server; its failure is returned as a record (null when it worked), Ctrl+C stops the pipeline.</summary>
    internal ErrorRecord? Call(Func<PendingRequests, CancellationToken, Task> call)
    {
        try
        {
            call(Client(), CancellationToken).GetAwaiter().GetResult();
            return null;
        }
        catch (OpenCodeUsageException ex)
        {
            return ErrorRecords.From(ex);
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            while (_requests.TryDequeue(out var request))
            {
                WriteDebug(request);
            }
        }
    }

    /// <summary>The server's address as shown in messages (never with credentials).</summary>
    internal string Shown => ServerAddressText.WithoutCredentials(Server);
}
