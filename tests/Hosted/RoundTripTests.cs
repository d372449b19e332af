namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// What tests/Pester checks on pwsh machines, through the hosted engine (the SDK carries the Utility module):
/// typed output survives Export-Csv/Import-Csv and ConvertTo-Json/ConvertFrom-Json with every figure intact.
/// </summary>
public sealed class RoundTripTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    [Theory]
    [InlineData("Get-OpenCodeSession -DataPath $args[0]", "TotalTokens")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Session -WarningAction SilentlyContinue", "TotalTokens")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0] -PerMessage -IncludeForkCopies -WarningAction SilentlyContinue", "TotalTokens")]
    public void Csv_keeps_every_row_and_figure(string command, string figure)
    {
        using var engine = new Engine();
        var csv = Path.Combine(Path.GetTempPath(), $"ocu-{Guid.NewGuid():N}.csv");
        try
        {
            var original = engine.Run($"{command} | ForEach-Object {figure}", Data).Select(o => Convert.ToInt64(o.BaseObject)).ToList();
            engine.Run($"{command} | Export-Csv -Path $args[1] -NoTypeInformation", Data, csv);
            Assert.Empty(engine.Errors);
            var back = engine.Run($"Import-Csv -Path $args[0] | ForEach-Object {{ [long]$_.{figure} }}", csv).Select(o => (long)o.BaseObject).ToList();
            Assert.Equal(original, back);
            var header = File.ReadLines(csv).First();
            Assert.Contains("\"ReasoningTokens\"", header);
            Assert.Contains("\"Cost\"", header);
        }
        finally
        {
            File.Delete(csv);
        }
    }

    [Fact]
    public void Json_round_trips_figures_dates_and_ids()
    {
        using var engine = new Engine();
        var back = engine.Run("Get-OpenCodeSession -DataPath $args[0] | ConvertTo-Json -Depth 3 | ConvertFrom-Json", Data);
        Assert.Empty(engine.Errors);
        var expected = ExpectedSession.Load("oc-1.18.33").ToDictionary(e => e.Id);
        Assert.Equal(expected.Count, back.Count);
        foreach (var item in back)
        {
            var e = expected[(string)item.Properties["Id"].Value];
            Assert.Equal(e.StoredInput, Convert.ToInt64(item.Properties["InputTokens"].Value));
            Assert.InRange(Math.Abs(Convert.ToDecimal(item.Properties["Cost"].Value) - e.StoredCost!.Value), 0m, 1e-9m);
            Assert.NotNull(item.Properties["Updated"].Value);
        }
    }
}
