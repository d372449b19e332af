using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Get-OpenCodeUsage through the real engine: binding, filters, pipeline input, errors and table views.</summary>
public sealed class GetOpenCodeUsageTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private static readonly string Prices = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json");

    private static int Messages(Engine engine, string arguments, params object[] extra) =>
        engine.Run($"(Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -PerMessage {arguments} | Measure-Object).Count",
            [Data, Prices, .. extra]).Select(o => (int)o.BaseObject).Single();

    [Fact]
    public void Defaults_to_one_typed_row_per_day()
    {
        using var engine = new Engine();
        var row = Assert.Single(engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1]", Data, Prices));
        Assert.Empty(engine.Errors);
        Assert.Equal("OpenCodeUsage.UsageSummary", row.TypeNames[0]);
        Assert.IsType<DateTime>(row.Properties["Date"].Value);
        Assert.True((bool)engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1])[0] -is [OpenCodeUsage.UsageSummary]", Data, Prices)[0].BaseObject);
        Assert.True((bool)engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -PerMessage)[0] -is [OpenCodeUsage.UsageRecord]", Data, Prices)[0].BaseObject);
    }

    [Fact]
    public void Sessions_piped_from_Get_OpenCodeSession_bind_by_property_name()
    {
        using var engine = new Engine();
        // The fork's own work is one message: its copied history is not counted again.
        var fork = engine.Run("Get-OpenCodeSession -DataPath $args[0] -Title '*(fork*' | Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Model", Data, Prices);
        Assert.Equal(1, Assert.Single(fork).Properties["Messages"].Value);

        var parent = engine.Run("Get-OpenCodeSession -DataPath $args[0] -RootOnly | Where-Object ChildSessionCount -gt 0", Data).Single();
        var alone = engine.Run("$args[2] | Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Session", Data, Prices, parent);
        var withChildren = engine.Run("$args[2] | Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Session -IncludeChildren", Data, Prices, parent);
        Assert.Single(alone);
        Assert.Equal(2, withChildren.Count);
        Assert.Equal(parent.Properties["CostWithChildren"].Value, withChildren.Sum(r => (decimal)r.Properties["Cost"].Value));
    }

    [Fact]
    public void Filters_take_wildcards_and_dates_cut_in_the_chosen_zone()
    {
        using var engine = new Engine();
        var all = Messages(engine, "");
        Assert.Equal(3, Messages(engine, "-Model mock-fast"));
        Assert.Equal(3 + 2, Messages(engine, "-Model 'mock-f*', '*reason'"));
        Assert.Equal(1, Messages(engine, "-Provider mockant"));
        Assert.Equal(1, Messages(engine, "-Agent general"));
        Assert.Equal(all, Messages(engine, "-Project alpha, beta"));
        Assert.True(Messages(engine, "-Project alpha") is > 0 and var alpha && alpha < all);

        // All of the data was written on 2026-11-27 UTC, which is 2026-11-26 in Los Angeles.
        Assert.Equal(all, Messages(engine, "-TimeZone UTC -Since 2026-11-27 -Until 2026-11-28"));
        Assert.Equal(0, Messages(engine, "-TimeZone America/Los_Angeles -Since 2026-11-27"));
        Assert.Equal(all, Messages(engine, "-TimeZone America/Los_Angeles -After 2026-11-26 -Before 2026-11-27"));
        Assert.Equal(all, Messages(engine, "-After (Get-Date 2026-11-27T00:00:00Z)"));
        var day = engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -TimeZone 'Pacific Standard Time').Date", Data, Prices).Single();
        Assert.Equal(new DateTime(2026, 11, 26), (DateTime)day.BaseObject);
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void Several_groupings_make_one_row_per_combination()
    {
        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Month, Model, Agent -TimeZone UTC", Data, Prices);
        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal("2026-11", r.Properties["Month"].Value));
        Assert.Contains(rows, r => (string)r.Properties["Group"].Value == "2026-11 · mock/mock-smart · general");
        Assert.Null(rows[0].Properties["Date"].Value);
        Assert.Null(rows[0].Properties["SessionId"].Value);
    }

    [Fact]
    public void An_unknown_time_zone_is_TimeZoneNotFound()
    {
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("Get-OpenCodeUsage -DataPath $args[0] -TimeZone Mars/Olympus_Mons", Data);
        Assert.StartsWith("TimeZoneNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("Mars/Olympus_Mons", error.TargetObject);
    }

    [Fact]
    public void A_missing_pricing_file_is_PricingFileNotFound()
    {
        using var engine = new Engine();
        var error = engine.RunExpectingTermination("Get-OpenCodeUsage -DataPath $args[0] -PricingPath ./no-such-prices.json", Data);
        Assert.StartsWith("PricingFileNotFound,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
    }

    [Fact]
    public void Unpriced_models_leave_EstimatedCost_empty_with_one_warning()
    {
        using var engine = new Engine();
        var pricing = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pricing, """{"mock":{"models":{"mock-fast":{"cost":{"input":1,"output":2,"cache_read":0.1,"cache_write":1.25}}}}}""");
            var rows = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Model", Data, pricing);
            Assert.NotNull(rows.Single(r => (string)r.Properties["ModelId"].Value == "mock-fast").Properties["EstimatedCost"].Value);
            Assert.Null(rows.Single(r => (string)r.Properties["ModelId"].Value == "mock-smart").Properties["EstimatedCost"].Value);
            var warning = Assert.Single(engine.Warnings);
            Assert.Contains("mock/mock-smart", warning.Message);

            // The same question again is answered from memory, with the same rows; the warning was given once this
            // session (runspace), for every call, so it does not come again. A new session hears it again.
            var again = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Model", Data, pricing);
            Assert.Equal(rows.Select(r => r.Properties["Group"].Value), again.Select(r => r.Properties["Group"].Value));
            Assert.Empty(engine.Warnings);
            engine.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Model -PerMessage", Data, pricing);
            Assert.Empty(engine.Warnings);
            using var next = new Engine();
            next.Run("Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] -GroupBy Model", Data, pricing);
            Assert.Equal(warning.Message, Assert.Single(next.Warnings).Message);
        }
        finally
        {
            File.Delete(pricing);
        }
    }

    [Theory]
    [InlineData("-GroupBy Day")]
    [InlineData("-GroupBy Session")]
    [InlineData("-GroupBy Week, Project, Model")]
    [InlineData("-PerMessage -IncludeForkCopies")]
    public void Table_views_read_well_at_100_columns(string arguments)
    {
        using var engine = new Engine(width: 100);
        engine.Run($"Get-OpenCodeUsage -DataPath $args[0] -PricingPath $args[1] {arguments} | Out-Default", Data, Prices);
        Assert.Empty(engine.Errors);
        var plain = System.Text.RegularExpressions.Regex.Replace(engine.Host.Text, "\u001b\\[[0-9;]*m", string.Empty);
        var lines = plain.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"too wide: '{l}'"));
        if (!arguments.Contains(',', StringComparison.Ordinal))
        {
            // A single key (a session id, a provider/model) fits whole; combined keys may be shortened in the table.
            Assert.DoesNotContain(lines, l => l.Contains('…'));
        }

        var header = lines.First(l => l.Contains("Cost", StringComparison.Ordinal)).Trim();
        Assert.Matches(arguments.StartsWith("-PerMessage", StringComparison.Ordinal)
            ? @"^Time\s+Model\s+Input\s+Output\s+Cache\s+Total\s+Cost\s+Fork$"
            : @"^Msgs\s+Input\s+Output\s+Cache\s+Total\s+Cost\s+EstCost\s+Group$", header);
    }

    [Fact]
    public void Tab_completes_models_and_time_zones()
    {
        using var engine = new Engine();
        string[] Complete(string line) => engine.Run(
            "(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText", line)
            .Select(o => o.ToString()!).ToArray();
        Assert.Equal(["mock-reason"], Complete($"Get-OpenCodeUsage -DataPath '{Data}' -Model mock-r"));
        Assert.Contains("America/Los_Angeles", Complete("Get-OpenCodeUsage -TimeZone America/Los_"));
    }
}
