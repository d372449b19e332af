using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Accounting rules of Get-OpenCodeUsage's core on real data: prices, schema drift, damaged rows.</summary>
public sealed class UsageReportTests
{
    private static IReadOnlyList<UsageSummary> Summarize(string dataDir, ReadDiagnostics diagnostics, UsageGrouping grouping = UsageGrouping.Model,
        string? pricing = null, Func<string, string?>? environment = null) =>
        UsageReport.Summarize(
            new UsageQuery { DataPaths = [dataDir], GroupBy = [grouping], PricingPath = pricing, TimeZone = TimeZoneInfo.Utc },
            environment ?? (TestEnvironment.Isolated), diagnostics, null, CancellationToken.None);

    private static ExpectedUsage Total(string dataSet) => ExpectedUsage.Load(dataSet).Single(e => e.Grouping == "total");

    /// <summary>The prices the data set's OpenCode used, so no test depends on the machine's own catalogue.</summary>
    private static string Prices(string dataSet) => Path.Combine(RepoPaths.TestData, dataSet, "opencode.json");

    [Theory]
    [InlineData("oc-1.14.41")]
    [InlineData("oc-1.15.13")]
    [InlineData("oc-1.18.33")]
    public void Estimated_cost_equals_stored_cost_where_OpenCode_priced_with_the_same_catalogue(string dataSet)
    {
        var diagnostics = new ReadDiagnostics();
        var rows = Summarize(RepoPaths.DataDir(dataSet), diagnostics, pricing: Path.Combine(RepoPaths.TestData, dataSet, "opencode.json"));
        Assert.Empty(diagnostics.Warnings);
        Assert.All(rows, r => Assert.InRange(Math.Abs(r.EstimatedCost!.Value - r.Cost), 0m, 1e-9m));
    }

    [Fact]
    public void Old_versions_charged_reasoning_twice_and_the_estimate_does_not()
    {
        // Up to 1.3 OpenCode's output already held reasoning and it priced reasoning again on top.
        var rows = Summarize(RepoPaths.DataDir("oc-1.2.27"), new ReadDiagnostics(), pricing: Path.Combine(RepoPaths.TestData, "oc-1.2.27", "opencode.json"));
        var reason = Assert.Single(rows, r => r.ModelId == "mock-reason");
        Assert.True(reason.ReasoningTokens > 0);
        const decimal outputPricePerMillion = 25m;
        Assert.InRange(Math.Abs(reason.Cost - reason.EstimatedCost!.Value - reason.ReasoningTokens * outputPricePerMillion / 1_000_000m), 0m, 1e-9m);
        Assert.All(rows.Where(r => r.ReasoningTokens == 0), r => Assert.InRange(Math.Abs(r.EstimatedCost!.Value - r.Cost), 0m, 1e-9m));
    }

    [Fact]
    public void Prices_come_from_the_users_OpenCode_config_and_models_cache()
    {
        var home = Directory.CreateTempSubdirectory("ocu-home-").FullName;
        try
        {
            var config = Path.Combine(home, "config", "opencode");
            Directory.CreateDirectory(config);
            File.Copy(Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json"), Path.Combine(config, "opencode.json"));
            // models.json (models.dev shape) prices mockant; the config prices the mock provider.
            var cache = Path.Combine(home, "cache", "opencode");
            Directory.CreateDirectory(cache);
            File.WriteAllText(Path.Combine(cache, "models.json"),
                """{"mockant":{"id":"mockant","models":{"claude-mock-sonnet":{"id":"claude-mock-sonnet","cost":{"input":3,"output":15,"cache_read":0.3,"cache_write":3.75}}}}}""");
            var environment = new Dictionary<string, string?>
            {
                ["XDG_CONFIG_HOME"] = Path.Combine(home, "config"), ["XDG_CACHE_HOME"] = Path.Combine(home, "cache"),
                ["OPENCODEUSAGE_CACHE_DIR"] = TestEnvironment.CacheDirectory,
            };
            var diagnostics = new ReadDiagnostics();
            var rows = Summarize(RepoPaths.DataDir("oc-1.18.33"), diagnostics, environment: k => environment.GetValueOrDefault(k));
            Assert.Empty(diagnostics.Warnings);
            Assert.All(rows, r => Assert.InRange(Math.Abs(r.EstimatedCost!.Value - r.Cost), 0m, 1e-9m));
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }

    [Fact]
    public void A_model_without_a_price_has_no_estimate_and_one_warning_names_it()
    {
        var pricing = Path.GetTempFileName();
        try
        {
            File.WriteAllText(pricing, """
                // JSONC, as OpenCode configs may be written
                { "provider": { "mock": { "models": { "mock-fast": { "cost": { "input": 1, "output": 2, "cache_read": 0.1, "cache_write": 1.25, }, }, }, }, }, }
                """);
            var diagnostics = new ReadDiagnostics();
            var rows = Summarize(RepoPaths.DataDir("oc-1.18.33"), diagnostics, pricing: pricing);
            Assert.NotNull(Assert.Single(rows, r => r.ModelId == "mock-fast").EstimatedCost);
            Assert.All(rows.Where(r => r.ModelId != "mock-fast"), r => Assert.Null(r.EstimatedCost));
            var warning = Assert.Single(diagnostics.Warnings);
            Assert.Contains("mock/mock-smart", warning);
            Assert.Contains("mockant/claude-mock-sonnet", warning);
            Assert.DoesNotContain("mock/mock-fast", warning);
        }
        finally
        {
            File.Delete(pricing);
        }
    }

    [Fact]
    public void A_missing_pricing_file_is_PricingFileNotFound()
    {
        var ex = Assert.Throws<OpenCodeUsageException>(() => Summarize(RepoPaths.DataDir("oc-1.18.33"), new ReadDiagnostics(), pricing: "/no/such/prices.json"));
        Assert.Equal("PricingFileNotFound", ex.ErrorId);
        Assert.Equal(FailureKind.NotFound, ex.Kind);
    }

    [Fact]
    public void Malformed_rows_are_skipped_with_one_warning_naming_the_store()
    {
        using var data = new TempDataSet("oc-1.18.33");
        var victim = data.Scalar("SELECT id FROM message WHERE json_extract(data,'$.modelID') = 'claude-mock-sonnet' LIMIT 1");
        data.Execute($"UPDATE message SET data = '{{\"role\":\"assistant\",\"tokens\":{{\"input\": 12' WHERE id = '{victim}'");
        var diagnostics = new ReadDiagnostics();
        var rows = Summarize(data.DataDir, diagnostics, pricing: Prices("oc-1.18.33"));
        var warning = Assert.Single(diagnostics.Warnings);
        Assert.Contains("1 malformed", warning);
        Assert.Contains(data.Database, warning);
        Assert.DoesNotContain(rows, r => r.ModelId == "claude-mock-sonnet");
        Assert.Equal(Total("oc-1.18.33").Messages - 1, rows.Sum(r => r.Messages));
    }

    [Fact]
    public void Aborted_zero_token_and_unknown_fields_count_without_error()
    {
        using var data = new TempDataSet("oc-1.18.33");
        var victim = data.Scalar("SELECT id FROM message WHERE json_extract(data,'$.modelID') = 'claude-mock-sonnet' LIMIT 1");
        // An aborted message as OpenCode writes it: all-zero tokens, no finish, an error; plus a field from the future.
        data.Execute($$$"""
            UPDATE message SET data = json_set(json_remove(data, '$.finish'),
                '$.tokens', json('{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0},"total":0}'),
                '$.cost', 0, '$.error', json('{"name":"MessageAbortedError","data":{"message":"aborted"}}'),
                '$.futureField', json('{"nested":[1,2,{"x":null}]}')) WHERE id = '{{{victim}}}'
            """);
        var diagnostics = new ReadDiagnostics();
        var rows = Summarize(data.DataDir, diagnostics, pricing: Prices("oc-1.18.33"));
        Assert.Empty(diagnostics.Warnings);
        var aborted = Assert.Single(rows, r => r.ModelId == "claude-mock-sonnet");
        Assert.Equal(1, aborted.Messages);
        Assert.Equal(0, aborted.TotalTokens);
        Assert.Equal(0m, aborted.Cost);
    }

    [Fact]
    public void Usage_kept_in_a_newer_message_table_is_read_once()
    {
        using var data = new TempDataSet("oc-1.18.33");
        var total = Total("oc-1.18.33");
        // A session written the newer way: its messages only in session_message, typed by a column instead of a role.
        var session = data.Scalar("SELECT session_id FROM message WHERE json_extract(data,'$.modelID') = 'claude-mock-sonnet' LIMIT 1");
        data.Execute($$"""
            INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
              SELECT id, session_id, json_extract(data, '$.role'), rowid, time_created, time_updated, json_remove(data, '$.role')
              FROM message WHERE session_id = '{{session}}';
            INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
              VALUES ('evt_switch', '{{session}}', 'agent-switched', 0, 1, 1, '{"agent":"plan"}');
            DELETE FROM message WHERE session_id = '{{session}}';
            """);
        var diagnostics = new ReadDiagnostics();
        var rows = Summarize(data.DataDir, diagnostics, pricing: Prices("oc-1.18.33"));
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(total.Messages, rows.Sum(r => r.Messages));
        Assert.Equal(total.Input, rows.Sum(r => r.InputTokens));
        Assert.InRange(Math.Abs(rows.Sum(r => r.Cost) - total.Cost), 0m, 1e-9m);

        // A message in both tables (2.x's migration keeps 1.x ids) is counted once: the main table wins.
        data.Execute($"""
            INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
              SELECT id, session_id, 'assistant', rowid + 1000000, time_created, time_updated, data FROM message WHERE json_extract(data, '$.role') = 'assistant';
            """);
        rows = Summarize(data.DataDir, new ReadDiagnostics());
        Assert.Equal(total.Messages, rows.Sum(r => r.Messages));
    }

    [Fact]
    public void Event_rows_of_newer_tables_are_ignored()
    {
        // OpenCode 1.15 fills session_message with agent-switched and model-switched events only.
        var diagnostics = new ReadDiagnostics();
        var rows = Summarize(RepoPaths.DataDir("oc-1.15.13"), diagnostics, pricing: Prices("oc-1.15.13"));
        Assert.Empty(diagnostics.Warnings);
        Assert.Equal(Total("oc-1.15.13").Messages, rows.Sum(r => r.Messages));
    }
}
