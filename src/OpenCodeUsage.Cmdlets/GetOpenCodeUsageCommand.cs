using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Commands;

/// <summary>Reports OpenCode token usage and cost, grouped by day, week, month, session, project, model, provider or agent.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeUsage", DefaultParameterSetName = SummarySet)]
[OutputType(typeof(UsageSummary), ParameterSetName = [SummarySet])]
[OutputType(typeof(UsageRecord), ParameterSetName = [PerMessageSet])]
public sealed class GetOpenCodeUsageCommand : OpenCodeDataCmdlet
{
    private const string SummarySet = "Summary";
    private const string PerMessageSet = "PerMessage";
    private const int ProgressId = 2;
    private const string Activity = "Reading OpenCode usage";

    /// <summary>What to group by; several keys make one row per combination.</summary>
    [Parameter(Position = 0, ParameterSetName = SummarySet)]
    [ValidateNotNullOrEmpty]
    public UsageGrouping[] GroupBy { get; set; } = [UsageGrouping.Day];

    /// <summary>After the grouped rows, one more with the whole period's figures (IsTotal, Group "Total").</summary>
    [Parameter(ParameterSetName = SummarySet)]
    public SwitchParameter Total { get; set; }

    /// <summary>One record per assistant message instead of grouped rows.</summary>
    [Parameter(Mandatory = true, ParameterSetName = PerMessageSet)]
    public SwitchParameter PerMessage { get; set; }

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
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Provider { get; set; }

    /// <summary>Only these agents (build, plan, general, …); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AgentCompleter))]
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

    protected override string[]? RecordIds => SessionId;

    protected override void EndProcessing()
    {
        if (PipedNothing)
        {
            return;
        }

        var duplicate = GroupBy.GroupBy(g => g).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-GroupBy names {duplicate.Key} more than once; give each grouping once."),
                ErrorIds.GroupByDuplicate, ErrorCategory.InvalidArgument, duplicate.Key));
        }

        var zone = ResolveTimeZone();
        var (after, before) = TimeWindow(zone);
        var query = new UsageQuery
        {
            DataPaths = DataPaths,
            GroupBy = GroupBy,
            After = after,
            Before = before,
            TimeZone = zone,
            SessionFilter = WildcardFilter(Input.Ids),
            SessionIds = Input.ExactIds,
            ModelFilter = WildcardFilter(Model),
            ProviderFilter = WildcardFilter(Provider),
            ProjectFilter = WildcardFilter(Project),
            AgentFilter = WildcardFilter(Agent),
            IncludeChildren = IncludeChildren,
            IncludeForkCopies = IncludeForkCopies,
            PricingPath = PricingPath is null ? null : ResolvePaths([PricingPath])[0],
            NoCache = NoCache,
            Log = Log,
        };
        if (PerMessage)
        {
            // Core calls back on this thread, so records go down the pipeline while the scan runs.
            Read((diagnostics, progress) =>
            {
                UsageReport.Stream(query, Environment, diagnostics, progress, WriteObject, CancellationToken);
                return true;
            }, ProgressId, Activity);
        }
        else
        {
            WriteObject(Read((diagnostics, progress) => UsageReport.Summarize(query, Environment, diagnostics, progress, CancellationToken),
                ProgressId, Activity), enumerateCollection: true);
            if (Total)
            {
                // The second pass reads what the first left in memory: the distinct sessions are counted over the whole period.
                var overall = query with { Overall = true };
                WriteObject(Read((diagnostics, progress) => UsageReport.Summarize(overall, Environment, diagnostics, progress, CancellationToken),
                    ProgressId, Activity), enumerateCollection: true);
            }
        }
    }

    /// <summary>PowerShell's wildcards, with the patterns kept so Core can key its memo on them.</summary>
    private TextFilter? WildcardFilter(string[]? patterns) =>
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
                ErrorIds.TimeZoneNotFound, ErrorCategory.InvalidArgument, TimeZone));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }
}
