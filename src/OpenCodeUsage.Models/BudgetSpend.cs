namespace OpenCodeUsage;

/// <summary>Which dollars a budget counts.</summary>
public enum BudgetSpend
{
    /// <summary>Cost as OpenCode stored it (0 for free and subscription models): Get-OpenCodeUsage's Cost.</summary>
    Stored,

    /// <summary>Cost recomputed from the model catalogue's prices: Get-OpenCodeUsage's EstimatedCost.</summary>
    Estimated,
}
