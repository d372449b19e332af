using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>The OpenCode 2.x background service this user registered, and whether it answers; its password only as a credential.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeService")]
[OutputType(typeof(OpenCodeService))]
public sealed class GetOpenCodeServiceCommand : OpenCodeCmdlet
{
    /// <summary>Registration files to read instead of $XDG_STATE_HOME/opencode/service.json (else the 2.0 preview's server.json).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    // Reads one small file and asks one address: no database.
    protected override void BeginProcessing()
    {
    }

    protected override void ProcessRecord()
    {
        var paths = ResolvePaths(Path);
        if (paths.Count == 0)
        {
            if (ServiceRegistration.Find(Environment) is not { } found)
            {
                var looked = System.IO.Path.Combine(ServiceRegistration.StateDirectory(Environment), ServiceRegistration.FileName);
                WriteError(ErrorRecords.From(new OpenCodeUsageException(ServerErrors.ServiceNotFound, FailureKind.NotFound,
                    $"No OpenCode background service is registered: '{looked}' does not exist (start one with 'opencode service start').", looked)));
                return;
            }

            paths = [found];
        }

        foreach (var path in paths)
        {
            try
            {
                WriteObject(ServiceRegistration.ReadAsync(path, CancellationToken).GetAwaiter().GetResult());
            }
            catch (OpenCodeUsageException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
