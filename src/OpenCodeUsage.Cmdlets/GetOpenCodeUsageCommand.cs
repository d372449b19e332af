using System.Management.Automation;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Commands;

/// <summary>Reports OpenCode token usage and cost, grouped by day, week, month, session, project, model, provider or agent.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeUsage", DefaultParameterSetName = SummarySet)]
[OutputType(typeof(UsageSummary), ParameterSetName = [SummarySet])]
[OutputType(typeof(UsageRecord), ParameterSetName = [PerMessageSet])]
public sealed class GetOpenCodeUsageCommand : UsageFilterCmdlet
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

    /// <summary>A models.json-shaped file (or an OpenCode config) to compute EstimatedCost from.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingPath { get; set; }

    protected override void EndProcessing()
    {
        if (PipedNothing)
        {
            return;
        }

        var query = BuildQuery(GroupBy, PricingPath);
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
}
