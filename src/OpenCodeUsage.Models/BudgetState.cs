namespace OpenCodeUsage;

/// <summary>Where a budget stands, from least to most severe (Unknown apart).</summary>
public enum BudgetState
{
    /// <summary>Below the warning threshold and not forecast to pass the limit.</summary>
    Ok,

    /// <summary>At or above WarningPercent of the limit.</summary>
    Warning,

    /// <summary>Below the limit, but the burn rate so far passes it before the period ends.</summary>
    ForecastExceeded,

    /// <summary>The limit is reached or passed.</summary>
    Exceeded,

    /// <summary>The spend cannot be known (a model without a price for an Estimated budget, Go quota unavailable).</summary>
    Unknown,
}
