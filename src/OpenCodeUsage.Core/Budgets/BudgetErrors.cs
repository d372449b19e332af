namespace OpenCodeUsage.Budgets;

/// <summary>The error ids of budgets, for scripts to match on.</summary>
public static class BudgetErrors
{
    /// <summary>A budget that cannot be evaluated as given: no name, no limit, a Rolling one without a window, …</summary>
    public const string Invalid = "BudgetInvalid";
}
