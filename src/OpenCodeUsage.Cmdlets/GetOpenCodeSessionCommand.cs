using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Commands;

/// <summary>Lists OpenCode sessions, newest first, with their tokens and cost computed from their messages.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeSession")]
[OutputType(typeof(Session))]
public sealed class GetOpenCodeSessionCommand : OpenCodeCmdlet
{
    private const int ProgressId = 1;
    private const string Activity = "Reading OpenCode sessions";
    private readonly List<string> _ids = [];

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

    /// <summary>Project names, ids or worktree paths; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Project { get; set; }

    /// <summary>Only sessions active (last updated) at or after this time.</summary>
    [Parameter]
    [Alias("Since")]
    public DateTime? After { get; set; }

    /// <summary>Only sessions started before this time.</summary>
    [Parameter]
    [Alias("Until")]
    public DateTime? Before { get; set; }

    /// <summary>Leave out subagent (child) sessions.</summary>
    [Parameter]
    public SwitchParameter RootOnly { get; set; }

    /// <summary>At most this many sessions, the newest.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? First { get; set; }

    /// <summary>OpenCode data directories or database files to read instead of the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    protected override void ProcessRecord()
    {
        if (Id is not null)
        {
            _ids.AddRange(Id);
        }
    }

    protected override void EndProcessing()
    {
        var query = new SessionQuery
        {
            DataPaths = ResolvePaths(DataPath),
            IdFilter = Wildcards(_ids.Count == 0 ? null : _ids.ToArray()),
            TitleFilter = Wildcards(Title),
            ProjectFilter = Wildcards(Project),
            After = ToOffset(After),
            Before = ToOffset(Before),
            RootOnly = RootOnly,
            First = First,
            NoCache = NoCache,
        };
        var diagnostics = new ReadDiagnostics();
        IReadOnlyList<Session> sessions;
        try
        {
            sessions = SessionReader.Read(query, Environment, diagnostics, Progress(ProgressId, Activity), CancellationToken);
        }
        catch (OpenCodeUsageException ex)
        {
            WriteDiagnostics(diagnostics);
            ThrowTerminatingError(ErrorRecords.From(ex));
            return;
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            CompleteProgress(ProgressId, Activity);
        }

        WriteDiagnostics(diagnostics);
        foreach (var session in sessions)
        {
            WriteObject(session);
        }

        ReportMissingIds(sessions);
    }

    /// <summary>An exact id that matched nothing is an error, as with Get-Process -Id; a wildcard that matched nothing is not.</summary>
    private void ReportMissingIds(IReadOnlyList<Session> sessions)
    {
        if (First is not null)
        {
            return;
        }

        var found = sessions.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var id in _ids.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!WildcardPattern.ContainsWildcardCharacters(id) && !found.Contains(id))
            {
                WriteError(new ErrorRecord(
                    new ItemNotFoundException($"No OpenCode session has the id '{id}'."),
                    "SessionNotFound", ErrorCategory.ObjectNotFound, id));
            }
        }
    }
}
