using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Budgets;

/// <summary>
/// Evaluates budgets. A local budget's spend is Get-OpenCodeUsage's own total row (Core/Usage) over the period
/// with the scope as filters: fork copies once, a session's subagents with it, stored or estimated cost.
/// </summary>
public sealed class BudgetEvaluator(BudgetContext context, Func<string, string?> environment)
{
    private IReadOnlyList<GoQuota>? _go;
    private DateTimeOffset _goRead;

    public BudgetStatus Evaluate(Budget budget, ReadDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        BudgetRules.Check(budget);
        return budget.Period == BudgetPeriod.Go ? EvaluateGo(budget) : EvaluateLocal(budget, diagnostics, cancellationToken);
    }

    /// <summary>The usage query a budget's spend is: what Get-OpenCodeUsage -Total reads for the same period and filters.</summary>
    public UsageQuery QueryFor(Budget budget, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now) => new()
    {
        DataPaths = context.DataPaths,
        Overall = true,
        After = start,
        // On the system clock nothing later than now exists yet: the period's end (open for a rolling window) keeps
        // the query, and so the usage memo's key, the same all period. A fixed clock evaluates as of its moment.
        Before = !ReferenceEquals(context.Clock, TimeProvider.System) ? now : budget.Period == BudgetPeriod.Rolling ? null : end,
        TimeZone = BudgetRules.Zone(budget),
        SessionFilter = context.Filter(budget.SessionId),
        SessionIds = budget.SessionId?.Where(context.IsExactId).ToList() ?? [],
        IncludeChildren = true,
        ModelFilter = context.Filter(budget.Model),
        ProviderFilter = context.Filter(budget.Provider),
        ProjectFilter = context.Filter(budget.Project),
        AgentFilter = context.Filter(budget.Agent),
        PricingPath = context.PricingPath,
        NoCache = context.NoCache,
        Log = context.Log,
    };

    private BudgetStatus EvaluateLocal(Budget budget, ReadDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        var zone = BudgetRules.Zone(budget);
        var now = context.Clock.GetUtcNow();
        var (start, end) = BudgetPeriods.Around(budget.Period, budget.Window, now, zone);
        var rows = UsageReport.Summarize(QueryFor(budget, start, end, now), environment, diagnostics, null, cancellationToken);
        var total = rows.Count > 0 ? rows[0] : null;
        var rolling = budget.Period == BudgetPeriod.Rolling;
        decimal? spent = total is null ? 0m : budget.Spend == BudgetSpend.Stored ? total.Cost : total.EstimatedCost;
        var tokens = total?.TotalTokens ?? 0;
        var elapsed = rolling ? budget.Window!.Value : now - start;
        var burn = spent is { } s ? BudgetForecast.BurnRate(s, elapsed) : null;
        var projected = spent is { } p ? BudgetForecast.Project(p, start, end, now, rolling) : null;
        var projectedTokens = BudgetForecast.Project(tokens, start, end, now, rolling) is { } t ? (long?)decimal.Round(t) : null;
        var state = BudgetForecast.State(budget.WarningPercent, (spent, budget.LimitUsd, projected), (tokens, budget.LimitTokens, projectedTokens));
        var percent = new[] { BudgetForecast.Percent(spent, budget.LimitUsd), BudgetForecast.Percent(tokens, budget.LimitTokens) }.Max();
        var status = Status(budget, state, "USD", start, rolling ? now : end, now, spent, budget.LimitUsd, percent, burn, projected) with
        {
            Tokens = tokens,
            TokenLimit = budget.LimitTokens,
            ProjectedTokens = projectedTokens,
            Messages = total?.Messages ?? 0,
        };
        return WithMessage(status, spent is null ? UnknownReason() : null);
    }

    private BudgetStatus EvaluateGo(Budget budget)
    {
        var now = context.Clock.GetUtcNow();
        var window = budget.GoWindow!.Value;
        string? reason = null;
        GoQuota? row = null;
        if (_go is not null && context.GoRefresh is { } refresh && now - _goRead >= refresh)
        {
            _go = null;
        }

        try
        {
            _goRead = _go is null ? now : _goRead;
            _go ??= (context.GoQuota ?? throw new OpenCodeUsageException("GoQuotaUnavailable", FailureKind.Unavailable,
                "No OpenCode Go quota source was given.", budget.Name))();
            row = _go.FirstOrDefault(q => q.Window == window);
            reason = row is null ? $"OpenCode did not report the {window} Go window." : null;
        }
        catch (OpenCodeUsageException ex)
        {
            // One budget's missing quota is that budget's Unknown, not the end of every other budget's evaluation.
            reason = ex.Message;
            _go = [];
        }

        decimal? spent = row?.PercentUsed;
        var start = row?.WindowStart ?? now;
        var end = row?.ResetsAt ?? now;
        var burn = spent is { } s && row?.WindowStart is not null ? BudgetForecast.BurnRate(s, now - start) : null;
        var projected = spent is { } p && row?.WindowStart is not null && row.ResetsAt is not null ? BudgetForecast.Project(p, start, end, now, rolling: false) : null;
        var state = BudgetForecast.State(budget.WarningPercent, (spent, budget.GoPercent, projected));
        var status = Status(budget, state, "%", start, end, now, spent, budget.GoPercent, BudgetForecast.Percent(spent, budget.GoPercent), burn,
            projected is { } q ? Math.Round(q, 4) : null);
        return WithMessage(status, reason);
    }

    /// <summary>What every status has: times in the budget's zone, figures rounded for reading.</summary>
    private static BudgetStatus Status(Budget budget, BudgetState state, string unit, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now,
        decimal? spent, decimal? limit, decimal? percent, decimal? burn, decimal? projected)
    {
        var zone = BudgetRules.Zone(budget);
        return new BudgetStatus
        {
            Name = budget.Name,
            Status = state,
            Period = budget.Period,
            Unit = unit,
            Start = TimeZoneInfo.ConvertTime(start, zone),
            End = TimeZoneInfo.ConvertTime(end, zone),
            Evaluated = TimeZoneInfo.ConvertTime(now, zone),
            Spent = spent,
            Limit = limit,
            Percent = percent,
            TimeLeft = end > now ? end - now : TimeSpan.Zero,
            BurnRate = burn is { } b ? Math.Round(b, 6) : null,
            Projected = projected is { } q ? Math.Round(q, 6) : null,
            Message = string.Empty,
            Budget = budget,
        };
    }

    private static string UnknownReason() =>
        "a model used in the period has no known price, so its Estimated spend is unknown (give -PricingPath, or make the budget -Spend Stored)";

    private static BudgetStatus WithMessage(BudgetStatus status, string? reason) => status with { Message = BudgetText.Line(status, reason) };
}
