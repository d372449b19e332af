using System.Globalization;
using System.Management.Automation;

namespace OpenCodeSoak;

/// <summary>A StepFinished event: the step's own figures and its session's running totals after it.</summary>
internal sealed record WatchedStep(string SessionId, Figures Step, Figures SessionTotals)
{
    public static WatchedStep Of(string sessionId, PSObject item) => new(sessionId,
        new Figures(1, Long(item, "InputTokens"), Long(item, "OutputTokens"), Long(item, "ReasoningTokens"),
            Long(item, "CacheReadTokens"), Long(item, "CacheWriteTokens"), Money(item, "Cost")),
        new Figures(0, Long(item, "SessionInputTokens"), Long(item, "SessionOutputTokens"), Long(item, "SessionReasoningTokens"),
            Long(item, "SessionCacheReadTokens"), Long(item, "SessionCacheWriteTokens"), Money(item, "SessionCost")));

    private static long Long(PSObject item, string name) => Convert.ToInt64(item.Properties[name]?.Value ?? 0L, CultureInfo.InvariantCulture);

    private static decimal Money(PSObject item, string name) => Convert.ToDecimal(item.Properties[name]?.Value ?? 0m, CultureInfo.InvariantCulture);
}
