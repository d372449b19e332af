using System.Management.Automation;
using OpenCodeUsage.Budgets;
using OpenCodeUsage.Commands.Completion;

namespace OpenCodeUsage.Commands;

/// <summary>Makes a budget: a limit in dollars and/or tokens over a period and a scope, or a percent of an OpenCode Go window.</summary>
[Cmdlet(VerbsCommon.New, "OpenCodeBudget", DefaultParameterSetName = LocalSet)]
[OutputType(typeof(Budget))]
public sealed class NewOpenCodeBudgetCommand : OpenCodeCmdlet
{
    private const string LocalSet = "Local";
    private const string GoSet = "Go";

    /// <summary>The budget's name, shown in its status and alerts.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    /// <summary>Day, Week (ISO, from Monday), Month, or Rolling (with -Window).</summary>
    [Parameter(Position = 1, ParameterSetName = LocalSet)]
    [ValidateSet(nameof(BudgetPeriod.Day), nameof(BudgetPeriod.Week), nameof(BudgetPeriod.Month), nameof(BudgetPeriod.Rolling))]
    public BudgetPeriod Period { get; set; } = BudgetPeriod.Day;

    /// <summary>The length of a Rolling period, such as 5:00:00; a number means seconds.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [Seconds]
    public TimeSpan? Window { get; set; }

    /// <summary>The limit in US dollars.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [ValidateRange(0, double.MaxValue)]
    public decimal? LimitUsd { get; set; }

    /// <summary>The limit in tokens (all kinds, as TotalTokens counts them).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [ValidateRange(0, long.MaxValue)]
    public long? LimitTokens { get; set; }

    /// <summary>Only these projects (name, id or worktree); wildcards allowed.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProjectCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Project { get; set; }

    /// <summary>Only these model ids; wildcards allowed.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    /// <summary>Only these provider ids; wildcards allowed.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Provider { get; set; }

    /// <summary>Only these agents; wildcards allowed.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AgentCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Agent { get; set; }

    /// <summary>Only these sessions and the subagent sessions they started; wildcards allowed.</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? SessionId { get; set; }

    /// <summary>Stored (OpenCode's cost, the default) or Estimated (from the model catalogue's prices).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    public BudgetSpend Spend { get; set; } = BudgetSpend.Stored;

    /// <summary>The OpenCode Go window: Rolling (5 hours), Weekly or Monthly.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GoSet)]
    public GoQuotaWindow GoWindow { get; set; }

    /// <summary>The percent of the Go window's quota allowed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = GoSet)]
    [ValidateRange(0.01, 100)]
    public decimal GoPercent { get; set; }

    /// <summary>Warn at this percent of the limit; 80 by default.</summary>
    [Parameter]
    [ValidateRange(0.01, 100)]
    public decimal WarningPercent { get; set; } = 80;

    /// <summary>The zone days, weeks and months are cut in (IANA or Windows id); the local zone by default.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(TimeZoneCompleter))]
    [ValidateNotNullOrEmpty]
    public string? TimeZone { get; set; }

    // Making a budget reads nothing, so the native SQLite check of the other cmdlets is not needed.
    protected override void BeginProcessing()
    {
    }

    protected override void EndProcessing()
    {
        var budget = new Budget
        {
            Name = Name,
            Period = ParameterSetName == GoSet ? BudgetPeriod.Go : Period,
            Window = Window,
            Project = Project,
            Model = Model,
            Provider = Provider,
            Agent = Agent,
            SessionId = SessionId,
            LimitUsd = LimitUsd,
            LimitTokens = LimitTokens,
            GoWindow = ParameterSetName == GoSet ? GoWindow : null,
            GoPercent = ParameterSetName == GoSet ? GoPercent : null,
            WarningPercent = WarningPercent,
            Spend = Spend,
            TimeZone = TimeZone,
        };
        try
        {
            BudgetRules.Check(budget);
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }

        WriteObject(budget);
    }
}
