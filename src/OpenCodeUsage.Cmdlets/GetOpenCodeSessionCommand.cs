using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Commands;

/// <summary>Lists OpenCode sessions, newest first, with their tokens and cost computed from their messages.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeSession")]
[OutputType(typeof(Session))]
public sealed class GetOpenCodeSessionCommand : OpenCodeDataCmdlet
{
    private const int ProgressId = 1;
    private const string Activity = "Reading OpenCode sessions";

    /// <summary>Session ids; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    /// <summary>Session titles; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Title { get; set; }

    /// <summary>Leave out subagent (child) sessions.</summary>
    [Parameter]
    public SwitchParameter RootOnly { get; set; }

    /// <summary>At most this many sessions, the newest.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>A running opencode serve (1.x or 2.x) whose word on each session's Status replaces what the data tells.</summary>
    [Parameter]
    [ServiceArgument]
    public Uri? Server { get; set; }

    /// <summary>The server's Basic-auth credential (OPENCODE_SERVER_PASSWORD of this session when omitted).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    protected override string[]? RecordIds => Id;

    protected override void EndProcessing()
    {
        if (PipedNothing)
        {
            return;
        }

        var (after, before) = TimeWindow();
        var query = new SessionQuery
        {
            DataPaths = DataPaths,
            IdFilter = Wildcards(Input.Ids),
            TitleFilter = Wildcards(Title),
            ProjectFilter = Wildcards(Project),
            After = after,
            Before = before,
            RootOnly = RootOnly,
            First = First,
            NoCache = NoCache,
            Log = Log,
        };
        var sessions = Read((diagnostics, progress) => SessionReader.Read(query, Environment, diagnostics, progress, CancellationToken),
            ProgressId, Activity);
        if (Server is { } server)
        {
            AskServer(sessions, server);
        }

        foreach (var session in sessions)
        {
            WriteObject(session);
        }

        ReportMissingIds(sessions);
    }

    /// <summary>The server's status for each session; a server that cannot be asked is an error, and the sessions keep what their data says.</summary>
    private void AskServer(IReadOnlyList<Session> sessions, Uri server)
    {
        try
        {
            var credential = ServiceAddress.CredentialFor(server, Credential);
            OpenCodeUsage.Server.ServerSessionStatus.ApplyAsync(sessions, server, credential?.UserName, credential?.Password,
                Environment, null, TimeProvider.System, CancellationToken).GetAwaiter().GetResult();
        }
        catch (OpenCodeUsageException ex) when (ex.ErrorId is not (OpenCodeUsage.Server.ServerErrors.UriInvalid or OpenCodeUsage.Server.ServerErrors.UriInsecure))
        {
            WriteError(ErrorRecords.From(ex));
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>An exact id that matched nothing is an error, as with Get-Process -Id; a wildcard that matched nothing is not.</summary>
    private void ReportMissingIds(IReadOnlyList<Session> sessions)
    {
        if (First is not null)
        {
            return;
        }

        var found = sessions.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var id in Input.ExactIds.Where(id => !found.Contains(id)))
        {
            WriteError(ErrorRecords.From(MissingSessions.Error(id)));
        }
    }
}
