using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Budgets;

/// <summary>
/// Budgets under watch: each step re-evaluates them (exactly, through the usage query) and a budget whose state
/// becomes more severe than it was gives an alert. A budget that falls back (a new day) can alert again later.
/// </summary>
public sealed class BudgetMonitor(BudgetEvaluator evaluator, IReadOnlyList<Budget> budgets)
{
    private readonly BudgetState?[] _last = new BudgetState?[budgets.Count];

    /// <summary>Evaluates every budget; an alert for each one that got worse (at the first check: each not Ok).</summary>
    public IReadOnlyList<BudgetAlert> Check(ActivityEvent? step, ReadDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        var alerts = new List<BudgetAlert>();
        for (var i = 0; i < budgets.Count; i++)
        {
            var status = evaluator.Evaluate(budgets[i], diagnostics, cancellationToken);
            var before = _last[i];
            _last[i] = status.Status;
            if (!Worse(status.Status, before ?? BudgetState.Ok))
            {
                continue;
            }

            var by = before is null ? null : step;
            alerts.Add(new BudgetAlert
            {
                Time = status.Evaluated,
                Name = status.Name,
                Status = status.Status,
                PreviousStatus = before ?? BudgetState.Ok,
                Spent = status.Spent,
                Limit = status.Limit,
                Percent = status.Percent,
                Projected = status.Projected,
                SessionId = by?.SessionId,
                MessageId = by?.MessageId,
                Model = by?.Model,
                StepCost = by?.Cost,
                Message = by is null ? status.Message + " (when the watch began)" : status.Message + $" (after a step of session {by.SessionId})",
                Evaluation = status,
            });
        }

        return alerts;
    }

    /// <summary>Any change to a state that is not Ok, except a fall to a milder one; Unknown compares with nothing.</summary>
    internal static bool Worse(BudgetState now, BudgetState before) =>
        now != before && now != BudgetState.Ok && (now == BudgetState.Unknown || before == BudgetState.Unknown || now > before);
}
