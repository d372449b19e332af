using System.Management.Automation;
using OpenCodeUsage.Commands.Completion;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Commands;

/// <summary>
/// The message filters of the cmdlets that count what Get-OpenCodeUsage counts (usage, tools, the report), declared
/// once, and the <see cref="UsageQuery"/> they make: the same filters always select the same messages.
/// </summary>
public abstract class UsageFilterCmdlet : OpenCodeDataCmdlet
{
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

    protected override string[]? RecordIds => SessionId;

    /// <summary>The query of the bound filters; <paramref name="pricingPath"/> for the cmdlets that price.</summary>
    protected UsageQuery BuildQuery(IReadOnlyList<UsageGrouping> groupBy, string? pricingPath = null)
    {
        var duplicate = groupBy.GroupBy(g => g).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-GroupBy names {duplicate.Key} more than once; give each grouping once."),
                ErrorIds.GroupByDuplicate, ErrorCategory.InvalidArgument, duplicate.Key));
        }

        var zone = ResolveTimeZone();
        var (after, before) = TimeWindow(zone);
        return new UsageQuery
        {
            DataPaths = DataPaths,
            GroupBy = groupBy,
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
            PricingPath = pricingPath is null ? null : ResolvePaths([pricingPath])[0],
            NoCache = NoCache,
            Log = Log,
        };
    }

    /// <summary>PowerShell's wildcards, with the patterns kept so Core can key its memo on them.</summary>
    protected TextFilter? WildcardFilter(string[]? patterns) =>
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
