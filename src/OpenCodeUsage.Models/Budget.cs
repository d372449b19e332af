namespace OpenCodeUsage;

/// <summary>
/// A spending limit over a period and a scope, made by New-OpenCodeBudget. Plain settable properties, so a budget
/// survives Export-Clixml, ConvertTo-Json and a hashtable, and comes back through Test-OpenCodeBudget by its
/// property names. Empty scope properties mean everything.
/// </summary>
public sealed class Budget
{
    public string Name { get; set; } = string.Empty;

    public BudgetPeriod Period { get; set; }

    /// <summary>The length of a Rolling period.</summary>
    public TimeSpan? Window { get; set; }

    /// <summary>Projects (name, id or worktree); wildcards allowed.</summary>
    public string[]? Project { get; set; }

    /// <summary>Model ids; wildcards allowed.</summary>
    public string[]? Model { get; set; }

    /// <summary>Provider ids; wildcards allowed.</summary>
    public string[]? Provider { get; set; }

    /// <summary>Agents (build, plan, general, …); wildcards allowed.</summary>
    public string[]? Agent { get; set; }

    /// <summary>Sessions, with the subagent sessions they started; wildcards allowed.</summary>
    public string[]? SessionId { get; set; }

    /// <summary>The limit in US dollars.</summary>
    public decimal? LimitUsd { get; set; }

    /// <summary>The limit in tokens (input, output, reasoning and cache, as TotalTokens counts them).</summary>
    public long? LimitTokens { get; set; }

    /// <summary>For a Go budget: the OpenCode Go window watched.</summary>
    public GoQuotaWindow? GoWindow { get; set; }

    /// <summary>For a Go budget: the percent of the window's quota allowed.</summary>
    public decimal? GoPercent { get; set; }

    /// <summary>The percent of the limit at which the budget warns.</summary>
    public decimal WarningPercent { get; set; } = 80;

    public BudgetSpend Spend { get; set; }

    /// <summary>The zone days, weeks and months are cut in (IANA or Windows id); empty for the local zone.</summary>
    public string? TimeZone { get; set; }

    public override string ToString() => Name;
}
