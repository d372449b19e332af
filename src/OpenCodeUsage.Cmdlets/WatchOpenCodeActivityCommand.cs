using System.Management.Automation;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands;

/// <summary>Streams OpenCode activity, per session, as OpenCode writes it: until Ctrl+C, -TimeoutSec or -Count.</summary>
[Cmdlet(VerbsCommon.Watch, "OpenCodeActivity", DefaultParameterSetName = DatabaseSet)]
[OutputType(typeof(ActivityEvent))]
public sealed class WatchOpenCodeActivityCommand : OpenCodeCmdlet
{
    private const string DatabaseSet = "Database";
    private const string ServerSet = "Server";
    private readonly PipelineInput _input = new();

    /// <summary>Only these sessions; wildcards allowed; binds from Get-OpenCodeSession output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? SessionId { get; set; }

    /// <summary>Only these projects (name, id or worktree); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Project { get; set; }

    /// <summary>OpenCode data directories or database files to watch instead of the default one; binds from piped objects' DataPath.</summary>
    [Parameter(ParameterSetName = DatabaseSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>A running `opencode serve` (1.x or 2.x) to follow through its event stream instead of the database; or Get-OpenCodeService's output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ServerSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Url")]
    [ServiceArgument]
    [ValidateNotNull]
    public Uri? Server { get; set; }

    /// <summary>The server's password (OPENCODE_SERVER_PASSWORD); the user name is usually opencode. A piped service's binds by name.</summary>
    [Parameter(ParameterSetName = ServerSet, ValueFromPipelineByPropertyName = true)]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Also emit Text and Reasoning events with snippets of what was written.</summary>
    [Parameter]
    public SwitchParameter IncludeText { get; set; }

    /// <summary>Quiet time after which a session is reported idle, once per idle period. A number means seconds.</summary>
    [Parameter(ParameterSetName = DatabaseSet)]
    [Seconds]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often files are checked where change notifications do not arrive. A number means seconds.</summary>
    [Parameter(ParameterSetName = DatabaseSet)]
    [Seconds]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Stop after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>Stop after this many events.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    protected override void ProcessRecord() => _input.Add(SessionId, DataPath);

    protected override void EndProcessing()
    {
        // Piped sessions that turned out to be none: there is nothing to watch (not everything).
        if (_input.IsEmpty(MyInvocation))
        {
            return;
        }

        var options = Options();
        if (ParameterSetName == DatabaseSet && !ReportMissingSessions(options))
        {
            return;
        }

        var feed = Read((diagnostics, _) => ActivityFeed.Start(options, Environment, diagnostics));

        var written = 0;
        FeedLoop.Run(this, feed, TimeoutSec, CancellationToken, e =>
        {
            WriteObject(e);
            return Count <= 0 || ++written < Count;
        });
    }

    /// <summary>An exact id that names no session is SessionNotFound, as in every cmdlet; false when no session asked for is left to watch.</summary>
    private bool ReportMissingSessions(ActivityOptions options)
    {
        var exact = _input.ExactIds;
        if (exact.Count == 0)
        {
            return true;
        }

        var missing = Read((_, _) => MissingSessions.Find(exact, options.DataPaths, Environment, CancellationToken));
        foreach (var failure in missing)
        {
            WriteError(ErrorRecords.From(failure));
        }

        var anyWildcard = _input.Ids!.Any(WildcardPattern.ContainsWildcardCharacters);
        return anyWildcard || missing.Count < exact.Count;
    }

    private ActivityOptions Options()
    {
        if (PollInterval <= TimeSpan.Zero || IdleAfter <= TimeSpan.Zero)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException("-PollInterval and -IdleAfter must be longer than zero."), ErrorIds.IntervalInvalid, ErrorCategory.InvalidArgument, null));
        }

        return new ActivityOptions
        {
            DataPaths = ResolvePaths(_input.DataPaths),
            Server = Server,
            Credential = ServiceAddress.CredentialFor(Server, Credential),
            IdleAfter = IdleAfter,
            PollInterval = PollInterval,
            Filter = new ActivityFilter
            {
                Session = Wildcards(_input.Ids),
                Project = Wildcards(Project),
                IncludeText = IncludeText,
            },
        };
    }
}
