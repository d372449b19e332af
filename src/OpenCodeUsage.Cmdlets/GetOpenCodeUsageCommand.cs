using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Commands;

/// <summary>Reports OpenCode token usage and cost, grouped by day, week, month, session, project, model, provider or agent.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeUsage", DefaultParameterSetName = SummarySet)]
[OutputType(typeof(UsageSummary), ParameterSetName = [SummarySet])]
[OutputType(typeof(UsageRecord), ParameterSetName = [PerMessageSet])]
public sealed class GetOpenCodeUsageCommand : OpenCodeCmdlet
{
    private const string SummarySet = "Summary";
    private const string PerMessageSet = "PerMessage";
    private const int ProgressId = 2;
    private const string Activity = "Reading OpenCode usage";
    private readonly List<string> _sessionIds = [];

    /// <summary>What to group by; several keys make one row per combination.</summary>
    [Parameter(Position = 0, ParameterSetName = SummarySet)]
    [ValidateNotNullOrEmpty]
    public UsageGrouping[] GroupBy { get; set; } = [UsageGrouping.Day];

    /// <summary>One record per assistant message instead of grouped rows.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PerMessageSet)]
    public SwitchParameter PerMessage { get; set; }

    /// <summary>Only messages created at or after this time.</summary>
    [Parameter]
    [Alias("Since")]
    public DateTime? After { get; set; }

    /// <summary>Only messages created before this time.</summary>
    [Parameter]
    [Alias("Until")]
    public DateTime? Before { get; set; }

    /// <summary>The zone days, weeks and months are cut in (IANA or Windows id); default the local zone.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    /// <summary>Only these sessions; wildcards allowed; binds from Get-OpenCodeSession output.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? SessionId { get; set; }

    /// <summary>Only these model ids; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    /// <summary>Only these provider ids; wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Provider { get; set; }

    /// <summary>Only these projects (name, id or worktree); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Project { get; set; }

    /// <summary>Only these agents (build, plan, general, …); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Agent { get; set; }

    /// <summary>With -SessionId: also the subagent sessions those sessions started.</summary>
    [Parameter]
    public SwitchParameter IncludeChildren { get; set; }

    /// <summary>Count the copies forks made of other sessions' history, as OpenCode's own stats do.</summary>
    [Parameter]
    public SwitchParameter IncludeForkCopies { get; set; }

    /// <summary>A models.json-shaped file (or an OpenCode config) to compute EstimatedCost from.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingPath { get; set; }

    /// <summary>OpenCode data directories or database files to read instead of the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    protected override void ProcessRecord()
    {
        if (SessionId is not null)
        {
            _sessionIds.AddRange(SessionId);
        }
    }

    protected override void EndProcessing()
    {
        var zone = ResolveTimeZone();
        var query = new UsageQuery
        {
            DataPaths = ResolvePaths(DataPath),
            GroupBy = GroupBy,
            After = ToOffset(After, zone),
            Before = ToOffset(Before, zone),
            TimeZone = zone,
            SessionFilter = WildcardFilter(_sessionIds.Count == 0 ? null : _sessionIds.ToArray()),
            ModelFilter = WildcardFilter(Model),
            ProviderFilter = WildcardFilter(Provider),
            ProjectFilter = WildcardFilter(Project),
            AgentFilter = WildcardFilter(Agent),
            IncludeChildren = IncludeChildren,
            IncludeForkCopies = IncludeForkCopies,
            PricingPath = PricingPath is null ? null : ResolvePaths([PricingPath])[0],
            NoCache = NoCache,
        };
        var diagnostics = new ReadDiagnostics();
        try
        {
            if (PerMessage)
            {
                // Core calls back on this thread, so records go down the pipeline while the scan runs.
                UsageReport.Stream(query, Environment, diagnostics, Progress(ProgressId, Activity), WriteObject, CancellationToken);
            }
            else
            {
                var rows = UsageReport.Summarize(query, Environment, diagnostics, Progress(ProgressId, Activity), CancellationToken);
                CompleteProgress(ProgressId, Activity);
                WriteObject(rows, enumerateCollection: true);
            }
        }
        catch (OpenCodeUsageException ex)
        {
            WriteDiagnostics(diagnostics);
            ThrowTerminatingError(ErrorRecords.From(ex));
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
    }

    /// <summary>PowerShell's wildcards, with the patterns kept so Core can key its memo on them.</summary>
    private static TextFilter? WildcardFilter(string[]? patterns) =>
        Wildcards(patterns) is { } matches ? new TextFilter(patterns!, matches, "wildcard-ignore-case") : null;

    private TimeZoneInfo ResolveTimeZone()
    {
        if (TimeZone is null)
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"'{TimeZone}' is not a known time zone; use an IANA id such as Europe/Berlin or a Windows id such as W. Europe Standard Time.", ex),
                "TimeZoneNotFound", ErrorCategory.InvalidArgument, TimeZone));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }
}
