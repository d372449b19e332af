using System.Management.Automation;
using OpenCodeUsage.Commands.Budgets;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Evaluates budgets now: spend in the period, burn rate, projection at its end and a state. With -Quiet, one
/// Boolean for scheduled jobs: True when no budget is Exceeded, ForecastExceeded or Unknown.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "OpenCodeBudget")]
[OutputType(typeof(BudgetStatus))]
[OutputType(typeof(bool))]
public sealed class TestOpenCodeBudgetCommand : BudgetCmdlet
{
    private const int ProgressId = 4;
    private bool _allWithin = true;
    private OpenCodeUsage.Budgets.BudgetEvaluator? _evaluator;

    /// <summary>Instead of the statuses, True when every budget is Ok or Warning, False otherwise.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Evaluate as of this moment instead of now: messages after it are not counted (reproducible forecasts).</summary>
    [Parameter]
    public DateTimeOffset? AsOf { get; set; }

    protected override void ProcessRecord()
    {
        var before = Budgets.Count;
        base.ProcessRecord();
        // A budget that could not be read was an error: a scheduled job must not take it for within.
        _allWithin &= Budgets.Count - before == Budget.Length;
        // One evaluator for the whole pipeline: the Go quota is asked for once, however many budgets come.
        var evaluator = _evaluator ??= Evaluator(AsOf is { } at ? new FixedClock(at) : TimeProvider.System);
        foreach (var budget in Budgets.Skip(before))
        {
            var status = Read((diagnostics, _) => evaluator.Evaluate(budget, diagnostics, CancellationToken), ProgressId, $"Evaluating budget {budget.Name}");
            _allWithin &= Within(status.Status);
            if (!Quiet)
            {
                WriteObject(status);
            }
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(_allWithin);
        }
    }

    /// <summary>What a scheduled job lets pass: a warning is news, not a failure.</summary>
    internal static bool Within(BudgetState state) => state is BudgetState.Ok or BudgetState.Warning;
}
