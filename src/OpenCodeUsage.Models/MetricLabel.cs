namespace OpenCodeUsage;

/// <summary>The labels Export-OpenCodeMetrics can put on usage metrics; each left out is summed away.</summary>
public enum MetricLabel
{
    Model,
    Provider,
    Project,
    Agent,
    Machine,
}
