using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted.Budgets;

/// <summary>New- and Test-OpenCodeBudget through the real engine, on the real 1.18.33 data: the spend is Get-OpenCodeUsage's.</summary>
public sealed class TestOpenCodeBudgetTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private const string Noon = "2026-11-27T12:00:00Z";

    private static decimal Decimal(PSObject o, string name) => (decimal)PSObject.AsPSObject(o.Properties[name].Value).BaseObject;

    [Theory]
    [InlineData("", "")]
    [InlineData("-Model mock-smart", "-Model mock-smart")]
    [InlineData("-Provider mock*", "-Provider mock*")]
    [InlineData("-Agent general", "-Agent general")]
    [InlineData("-Project *", "-Project *")]
    [InlineData("-SessionId ses_de4fdbccaffeS20mj9nrx7JXcB", "-SessionId ses_de4fdbccaffeS20mj9nrx7JXcB -IncludeChildren")]
    public void The_spend_is_what_Get_OpenCodeUsage_reports_for_the_same_period_and_scope(string scope, string filters)
    {
        using var engine = new Engine();
        var status = engine.Run($"New-OpenCodeBudget b -Period Month -LimitUsd 1 -TimeZone UTC {scope} | Test-OpenCodeBudget -DataPath $args[0] -AsOf '{Noon}'", Data).Single();
        var usage = engine.Run($"Get-OpenCodeUsage -DataPath $args[0] -TimeZone UTC -After '2026-11-01' -Before '2026-12-01' -Total {filters} | Where-Object IsTotal", Data).Single();
        Assert.Empty(engine.Errors);
        Assert.Equal(Decimal(usage, "Cost"), Decimal(status, "Spent"));
        Assert.Equal(usage.Properties["TotalTokens"].Value, status.Properties["Tokens"].Value);
        Assert.Equal(usage.Properties["Messages"].Value, status.Properties["Messages"].Value);
    }

    [Theory]
    [InlineData("$args[1] | Export-Clixml $args[2]; Import-Clixml $args[2]")]
    [InlineData("$args[1] | ConvertTo-Json | ConvertFrom-Json")]
    [InlineData("$args[1] | ConvertTo-Json -EnumsAsStrings | ConvertFrom-Json")]
    [InlineData("$b = $args[1]; @{ Name = $b.Name; Period = 'Rolling'; Window = '2:00:00'; Model = 'mock-smart'; LimitUsd = $b.LimitUsd; TimeZone = 'UTC'; WarningPercent = 50 }")]
    public void A_stored_budget_comes_back_by_its_property_names(string roundTrip)
    {
        using var engine = new Engine();
        var file = Path.Combine(Path.GetTempPath(), $"ocu-budget-{Guid.NewGuid():N}.xml");
        try
        {
            var budget = engine.Run("New-OpenCodeBudget smart -Period Rolling -Window 2:00:00 -Model mock-smart -LimitUsd 0.05 -WarningPercent 50 -TimeZone UTC").Single();
            var direct = engine.Run("$args[0] | Test-OpenCodeBudget -DataPath $args[1] -AsOf '2026-11-27T04:00:00Z'", budget, Data).Single();
            var back = engine.Run($"{roundTrip} | Test-OpenCodeBudget -DataPath $args[0] -AsOf '2026-11-27T04:00:00Z'", Data, budget, file).Single();
            Assert.Empty(engine.Errors);
            Assert.Equal(0.0279318m, Decimal(direct, "Spent"));
            foreach (var property in new[] { "Spent", "Status", "Start", "End", "Message" })
            {
                Assert.Equal(direct.Properties[property].Value.ToString(), back.Properties[property].Value.ToString());
            }

            Assert.Equal("Warning", back.Properties["Status"].Value.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Quiet_says_whether_a_scheduled_job_passes_and_a_broken_budget_fails_it()
    {
        using var engine = new Engine();
        const string Check = "Test-OpenCodeBudget -DataPath $args[0] -AsOf '" + Noon + "' -Quiet";
        Assert.Equal(true, engine.Run($"New-OpenCodeBudget ok -LimitUsd 1 -TimeZone UTC | {Check}", Data).Single().BaseObject);
        // 0.0646 of 0.07 is a warning, which passes, late in the day; at noon it is forecast to pass 0.07, which fails.
        Assert.Equal(true, engine.Run($"New-OpenCodeBudget near -LimitUsd 0.07 -TimeZone UTC | {Check.Replace("12:00", "23:00", StringComparison.Ordinal)}", Data).Single().BaseObject);
        Assert.Equal(false, engine.Run($"New-OpenCodeBudget near -LimitUsd 0.07 -TimeZone UTC | {Check}", Data).Single().BaseObject);
        Assert.Equal(false, engine.Run($"@(New-OpenCodeBudget ok -LimitUsd 1 -TimeZone UTC; New-OpenCodeBudget over -LimitUsd 0.06 -TimeZone UTC) | {Check}", Data).Single().BaseObject);
        var broken = engine.Run($"@{{ Name = 'nolimit'; Period = 'Day' }}, @{{ Name = 'ok'; LimitUsd = 1; TimeZone = 'UTC' }} | {Check}", Data);
        Assert.Equal(false, broken.Single().BaseObject);
        Assert.Equal("BudgetInvalid,OpenCodeUsage.Commands.TestOpenCodeBudgetCommand", Assert.Single(engine.Errors).FullyQualifiedErrorId);

        // The documented idiom: one line a budget to notify with, and a failing exit code.
        var idiom = engine.Run($"$s = New-OpenCodeBudget over -LimitUsd 0.06 -TimeZone UTC | Test-OpenCodeBudget -DataPath $args[0] -AsOf '{Noon}'; $s.Message; if ($s | Where-Object Status -notin 'Ok', 'Warning') {{ 2 }} else {{ 0 }}", Data);
        Assert.Equal("Budget 'over' is Exceeded: $0.0646 of $0.0600 (107.7%) today; projected $0.1292 by 2026-11-28 00:00.", idiom[0].ToString());
        Assert.Equal(2, idiom[1].BaseObject);
    }

    [Fact]
    public void New_OpenCodeBudget_refuses_what_cannot_be_evaluated()
    {
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("New-OpenCodeBudget r -Period Rolling -LimitUsd 1");
        Assert.Equal("BudgetInvalid,OpenCodeUsage.Commands.NewOpenCodeBudgetCommand", error.FullyQualifiedErrorId);
        Assert.Contains("needs a Window", error.Exception.Message);
        var go = engine.Run("New-OpenCodeBudget go -GoWindow Weekly -GoPercent 90").Single();
        Assert.Equal("Go", go.Properties["Period"].Value.ToString());
        Assert.Equal("OpenCodeUsage.Budget", go.TypeNames[0]);
    }
}
