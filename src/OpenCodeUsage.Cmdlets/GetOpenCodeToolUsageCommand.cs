using System.Management.Automation;
using OpenCodeUsage.Tools;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Reports OpenCode's tool calls per tool: calls, failures, run time and output size, over the messages
/// Get-OpenCodeUsage counts. A cmdlet of its own rather than a -GroupBy Tool of Get-OpenCodeUsage: a message's
/// tokens and cost cannot be split between the tools it called, so tool rows have other figures than usage rows.
/// </summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeToolUsage")]
[OutputType(typeof(ToolUsage))]
public sealed class GetOpenCodeToolUsageCommand : UsageFilterCmdlet
{
    private const int ProgressId = 6;
    private const string Activity = "Reading OpenCode tool calls";

    /// <summary>Keys beside the tool (Day, Session, Model, Project, Agent…); several make one row per combination.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNull]
    public UsageGrouping[] GroupBy { get; set; } = [];

    /// <summary>Only these tools (bash, read, task…); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Tool { get; set; }

    protected override void EndProcessing()
    {
        if (PipedNothing)
        {
            return;
        }

        var query = new ToolUsageQuery { Usage = BuildQuery(GroupBy), GroupBy = GroupBy, ToolFilter = WildcardFilter(Tool) };
        WriteObject(Read((diagnostics, progress) => ToolUsageReport.Summarize(query, Environment, diagnostics, progress, CancellationToken),
            ProgressId, Activity), enumerateCollection: true);
    }
}
