using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Tools;

/// <summary>What Get-OpenCodeToolUsage reports: the calls of the messages a usage query counts, by tool and more.</summary>
public sealed record ToolUsageQuery
{
    /// <summary>Which messages count: the same filters, time window and fork-copy rule as Get-OpenCodeUsage.</summary>
    public required UsageQuery Usage { get; init; }

    /// <summary>Keys beside the tool (day, session, model…); empty for one row per tool.</summary>
    public IReadOnlyList<UsageGrouping> GroupBy { get; init; } = [];

    /// <summary>Only tools whose name matches.</summary>
    public TextFilter? ToolFilter { get; init; }
}
