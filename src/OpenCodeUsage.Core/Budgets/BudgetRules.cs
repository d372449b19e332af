namespace OpenCodeUsage.Budgets;

/// <summary>What makes a budget whole, checked where budgets come in: from New-OpenCodeBudget, a file or a hashtable.</summary>
public static class BudgetRules
{
    public static void Check(Budget budget)
    {
        var name = string.IsNullOrWhiteSpace(budget.Name) ? "(unnamed)" : budget.Name;
        void Fail(string why) => throw new OpenCodeUsageException(BudgetErrors.Invalid, FailureKind.InvalidArgument, $"Budget '{name}': {why}", name);

        if (string.IsNullOrWhiteSpace(budget.Name))
        {
            Fail("a budget needs a Name.");
        }

        if (!Enum.IsDefined(budget.Period))
        {
            Fail($"Period {(int)budget.Period} is none of Day, Week, Month, Rolling or Go.");
        }

        if (budget.WarningPercent is <= 0 or > 100)
        {
            Fail($"WarningPercent must be above 0 and at most 100, not {budget.WarningPercent}.");
        }

        if (budget.Period == BudgetPeriod.Go)
        {
            if (budget.GoWindow is null || budget.GoPercent is null)
            {
                Fail("a Go budget needs GoWindow (Rolling, Weekly or Monthly) and GoPercent.");
            }

            if (budget.GoPercent is <= 0 or > 100)
            {
                Fail($"GoPercent must be above 0 and at most 100, not {budget.GoPercent}.");
            }

            return;
        }

        if (budget.LimitUsd is null && budget.LimitTokens is null)
        {
            Fail("give LimitUsd, LimitTokens or both.");
        }

        if (budget.LimitUsd < 0 || budget.LimitTokens < 0)
        {
            Fail("a limit cannot be negative.");
        }

        if (budget.Period == BudgetPeriod.Rolling && budget.Window is not { } window)
        {
            Fail("a Rolling budget needs a Window (say 05:00:00 for five hours).");
        }
        else if (budget.Period == BudgetPeriod.Rolling && budget.Window <= TimeSpan.Zero)
        {
            Fail("the Window must be longer than zero.");
        }

        if (budget.TimeZone is not null)
        {
            _ = Zone(budget);
        }
    }

    /// <summary>The budget's zone: its TimeZone id, else the local zone.</summary>
    public static TimeZoneInfo Zone(Budget budget)
    {
        if (string.IsNullOrEmpty(budget.TimeZone))
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(budget.TimeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new OpenCodeUsageException(BudgetErrors.Invalid, FailureKind.InvalidArgument,
                $"Budget '{budget.Name}': '{budget.TimeZone}' is not a known time zone; use an IANA id such as Europe/Berlin.", budget.Name, ex);
        }
    }
}
