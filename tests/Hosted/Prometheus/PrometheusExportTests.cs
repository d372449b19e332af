using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted.Prometheus;

/// <summary>
/// Export-OpenCodeMetrics against a real Prometheus 2.42, node_exporter 1.5 and Pushgateway 1.5 (Debian's packages),
/// three simulated machines, one per way in: machine "alpha" (oc-1.18.33) writes a textfile node_exporter serves, with
/// the Go quota from a fake of OpenCode's endpoint; machine "b\"eta\\" (oc-1.14.41, a name that needs escaping) pushes
/// to the Pushgateway; machine "gamma" (the sample) serves /metrics while Watch-OpenCodeActivity runs. Prometheus
/// scrapes all three, and PromQL through its HTTP API must give what Get-OpenCodeUsage gives over the same data dirs.
/// </summary>
[Collection(nameof(PrometheusExportTests))]
public sealed class PrometheusExportTests
{
    private const string Beta = "b\"eta\\";

    /// <summary>A copy of a committed data set, so a watch and its reads leave the repository's files alone.</summary>
    private static string Copy(string source, string root, string name)
    {
        var target = Path.Combine(root, name, "opencode");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return target;
    }

    private static (int ExitCode, string Output) Promtool(string input) => Promtool("check metrics", input);

    private static (int ExitCode, string Output) Promtool(string arguments, string input)
    {
        var start = new ProcessStartInfo(PrometheusStack.Tool("promtool")!, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(30_000), "promtool did not finish in 30 s");
        return (process.ExitCode, output.Result + errors.Result);
    }

    [SkippableFact]
    public void Three_machines_through_a_textfile_a_push_and_an_endpoint_add_up_in_PromQL_to_Get_OpenCodeUsage()
    {
        var endpointPort = LoopbackPorts.Free();
        using var stack = PrometheusStack.Start(endpointPort);
        var alpha = Copy(RepoPaths.DataDir("oc-1.18.33"), stack.Root, "alpha");
        var beta = Copy(RepoPaths.DataDir("oc-1.14.41"), stack.Root, "beta");
        var gamma = Copy(RepoPaths.Sample, stack.Root, "gamma");
        var prices = Path.Combine(RepoPaths.TestData, "oc-1.18.33", "opencode.json");

        // Machine alpha: a scheduled job's textfile, with the Go quota, in its own process (the API key is in its environment).
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        using var go = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var textfile = Path.Combine(stack.TextfileDirectory, "opencode.prom");
        var alphaRun = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            $budgets = @(
                @{ Name = 'team "a"'; Period = 'Rolling'; Window = '3650.00:00:00'; LimitUsd = 0.05; LimitTokens = 1000000 }
                New-OpenCodeBudget -Name month -Period Month -LimitUsd 10 -Spend Estimated
            )
            Export-OpenCodeMetrics -Path {{HostProbe.Quote(textfile)}} -DataPath {{HostProbe.Quote(alpha)}} -Machine alpha -PricingPath {{HostProbe.Quote(prices)}} -IncludeGoQuota -GoBaseUri '{{go.BaseUri}}' -Budget $budgets
            Test-OpenCodeBudget $budgets -DataPath {{HostProbe.Quote(alpha)}} -PricingPath {{HostProbe.Quote(prices)}} | ForEach-Object { 'budget|{0}|{1}|{2}|{3}' -f $_.Name, $_.Spent, $_.Status, $_.Tokens }
            Get-OpenCodeGoQuota -BaseUri '{{go.BaseUri}}' -DataPath {{HostProbe.Quote(alpha)}} | ForEach-Object { 'go|{0}|{1}|{2}|{3}' -f $_.Window.ToString().ToLower(), $_.PercentUsed, $_.Status, $_.ResetsAt.ToUnixTimeSeconds() }
            """, home.Variables);
        Assert.Empty(alphaRun.Errors);
        Assert.DoesNotContain(OpenCodeApiKey, alphaRun.Text, StringComparison.Ordinal);
        Assert.Equal(2, go.Requests.Count);
        Assert.DoesNotContain(Directory.EnumerateFiles(stack.TextfileDirectory), f => f.EndsWith(".tmp", StringComparison.Ordinal));

        using var engine = new Engine();
        // Machine beta: a batch job's push; the same call without a target gives the text it pushed.
        engine.Run("Export-OpenCodeMetrics -PushGateway $args[0] -Job opencode -DataPath $args[1] -Machine $args[2] -PricingPath $args[3]", stack.Gateway, beta, Beta, prices);
        Assert.Empty(engine.Errors);
        var betaText = (string)engine.Run("Export-OpenCodeMetrics -DataPath $args[0] -Machine $args[1] -PricingPath $args[2]", beta, Beta, prices).Single().BaseObject;
        Assert.Contains("machine=\"b\\\"eta\\\\\"", betaText, StringComparison.Ordinal);

        // Machine gamma: an endpoint served while a watch runs, in a pipeline of its own that is stopped at the end.
        using var watching = new Engine();
        using var pipeline = watching.CreatePipeline(
            "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 300 | Export-OpenCodeMetrics -Port $args[1] -DataPath $args[0] -Machine gamma -PricingPath $args[2] -Budget @{ Name = 'hour'; Period = 'Rolling'; Window = '01:00:00'; LimitTokens = 500 }",
            gamma, endpointPort, prices);
        var serving = pipeline.BeginInvoke();
        try
        {
            stack.WaitUntil(() => stack.TargetHealth() is var health && health.Count == 3 && health.Values.All(h => h == "up"), "every target to be up");
            stack.WaitUntil(() => stack.Query("count by (machine) (opencode_assistant_messages_total)").Count == 3, "the three machines' series");
            var served = stack.Get($"http://127.0.0.1:{endpointPort}/metrics")!;

            // What Get-OpenCodeUsage says over the three data dirs, by model (forks' copies counted once in both).
            var usage = engine.Run("Get-OpenCodeUsage -DataPath $args[0], $args[1], $args[2] -GroupBy Model -PricingPath $args[3]", alpha, beta, gamma, prices);
            Assert.Empty(engine.Errors);
            Assert.True(usage.Count >= 4, $"{usage.Count} models");
            var kinds = new[] { ("input", "InputTokens"), ("output", "OutputTokens"), ("reasoning", "ReasoningTokens"), ("cache_read", "CacheReadTokens"), ("cache_write", "CacheWriteTokens") };
            foreach (var (kind, property) in kinds)
            {
                var series = stack.Query($"sum by (provider, model) (opencode_tokens_total{{kind=\"{kind}\"}})")
                    .ToDictionary(s => (s.Labels.GetValueOrDefault("provider", ""), s.Labels.GetValueOrDefault("model", "")), s => s.Value);
                Assert.Equal(usage.Count, series.Count);
                foreach (var row in usage)
                {
                    var key = ((string)row.Properties["ProviderId"].Value, (string)row.Properties["ModelId"].Value);
                    // Exact: token sums stay far below 2^53, where a double holds every integer.
                    Assert.Equal((long)row.Properties[property].Value, (long)series[key]);
                }
            }

            var cost = stack.Query("sum by (provider, model) (opencode_cost_usd_total)")
                .ToDictionary(s => (s.Labels["provider"], s.Labels["model"]), s => s.Value);
            var messages = stack.Query("sum by (provider, model) (opencode_assistant_messages_total)")
                .ToDictionary(s => (s.Labels["provider"], s.Labels["model"]), s => s.Value);
            foreach (var row in usage)
            {
                var key = ((string)row.Properties["ProviderId"].Value, (string)row.Properties["ModelId"].Value);
                var expected = (double)(decimal)row.Properties["Cost"].Value;
                Assert.True(Math.Abs(cost[key] - expected) <= 1e-9 * Math.Abs(expected), $"{key}: {cost[key]} vs {expected}");
                Assert.Equal((int)row.Properties["Messages"].Value, (int)messages[key]);
            }

            // Each machine alone is that machine's data dir alone.
            foreach (var (machine, data) in new[] { ("alpha", alpha), (Beta, beta), ("gamma", gamma) })
            {
                var total = (decimal)engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -Total | Where-Object IsTotal).Cost", data).Single().BaseObject;
                var sum = stack.Query("sum by (machine) (opencode_cost_usd_total)").Single(s => s.Labels["machine"] == machine).Value;
                Assert.True(Math.Abs(sum - (double)total) <= 1e-9 * (double)total, $"{machine}: {sum} vs {total}");
            }

            // Sessions by status, as Get-OpenCodeSession lists them.
            var sessions = engine.Run("Get-OpenCodeSession -DataPath $args[0], $args[1], $args[2]", alpha, beta, gamma);
            var open = stack.Query("sum(opencode_sessions{status=\"open\"})").Single().Value;
            var archived = stack.Query("sum(opencode_sessions{status=\"archived\"})").Single().Value;
            Assert.Equal(sessions.Count(s => s.Properties["Archived"].Value is null), (int)open);
            Assert.Equal(sessions.Count(s => s.Properties["Archived"].Value is not null), (int)archived);

            // The Go quota from the textfile, as Get-OpenCodeGoQuota reported the same fake.
            var quota = alphaRun.Output.Where(l => l.StartsWith("go|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
            Assert.Equal(3, quota.Count);
            foreach (var q in quota)
            {
                var selector = $"{{machine=\"alpha\",window=\"{q[1]}\"}}";
                Assert.Equal(decimal.Parse(q[2], CultureInfo.InvariantCulture) / 100, (decimal)stack.Query("opencode_go_quota_used_ratio" + selector).Single().Value);
                Assert.Equal(long.Parse(q[4], CultureInfo.InvariantCulture), (long)stack.Query("opencode_go_quota_resets_timestamp_seconds" + selector).Single().Value);
                Assert.Equal(q[3] == "RateLimited" ? 1 : 0, stack.Query("opencode_go_quota_rate_limited" + selector).Single().Value);
            }

            // Alpha's budgets, through the textfile: PromQL gives what Test-OpenCodeBudget gave for the same budgets and data.
            var budgets = alphaRun.Output.Where(l => l.StartsWith("budget|", StringComparison.Ordinal)).Select(l => l.Split('|')).ToList();
            Assert.Equal(["team \"a\"", "month"], budgets.Select(b => b[1]));
            foreach (var b in budgets)
            {
                var selector = $"{{machine=\"alpha\",budget=\"{b[1].Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}";
                Assert.Equal(decimal.Parse(b[2], CultureInfo.InvariantCulture), (decimal)stack.Query("opencode_budget_spent_usd" + selector).Single().Value);
                var status = System.Text.RegularExpressions.Regex.Replace(b[3], "([a-z])([A-Z])", "$1_$2").ToLowerInvariant();
                Assert.Equal(status, stack.Query("opencode_budget_status" + selector + " == 1").Single().Labels["status"]);
            }

            Assert.Equal("exceeded", budgets[0][3].ToLowerInvariant());
            Assert.True(decimal.Parse(budgets[0][2], CultureInfo.InvariantCulture) > 0);
            Assert.Equal(long.Parse(budgets[0][4], CultureInfo.InvariantCulture), (long)stack.Query("opencode_budget_spent_tokens{machine=\"alpha\",budget=\"team \\\"a\\\"\"}").Single().Value);

            // The endpoint is live: a step OpenCode writes while the watch runs reaches Prometheus at the next scrapes.
            var before = stack.Query("sum(opencode_tokens_total{machine=\"gamma\",kind=\"input\"})").Single().Value;
            var hourBefore = stack.Query("opencode_budget_spent_tokens{machine=\"gamma\",budget=\"hour\"}").Single().Value;
            OpenCodeWrites.Turn(Path.Combine(gamma, "opencode.db"), "ses_prometheus_live", input: 777);
            stack.WaitUntil(() => stack.Query("sum(opencode_tokens_total{machine=\"gamma\",kind=\"input\"})").Single().Value == before + 777,
                "the new step in the endpoint's series");
            // The endpoint evaluates its budget at each scrape: the step (written now) is in the last hour's tokens,
            // as Test-OpenCodeBudget counts them, and puts the budget past its limit.
            var hour = engine.Run("Test-OpenCodeBudget @{ Name = 'hour'; Period = 'Rolling'; Window = '01:00:00'; LimitTokens = 500 } -DataPath $args[0] -PricingPath $args[1]", gamma, prices).Single();
            Assert.Empty(engine.Errors);
            Assert.Equal("Exceeded", hour.Properties["Status"].Value.ToString());
            var hourTokens = (long)hour.Properties["Tokens"].Value;
            Assert.True(hourTokens >= hourBefore + 777, $"{hourTokens} tokens in the last hour, {hourBefore} before the step");
            stack.WaitUntil(() => stack.Query("opencode_budget_spent_tokens{machine=\"gamma\",budget=\"hour\"}").Single().Value == hourTokens
                && stack.Query("opencode_budget_status{machine=\"gamma\",budget=\"hour\"} == 1").Single().Labels["status"] == "exceeded",
                "the endpoint's budget to count the new step");
            var gammaNow = (decimal)engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -Total | Where-Object IsTotal).Cost", gamma).Single().BaseObject;
            stack.WaitUntil(() => Math.Abs(stack.Query("sum(opencode_cost_usd_total{machine=\"gamma\"})").Single().Value - (double)gammaNow) <= 1e-9 * (double)gammaNow,
                "the new step's cost in the endpoint's series");

            // Every query of docs/prometheus.md runs, Grafana's variables given values, and finds series; its alert rule is valid.
            var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "prometheus.md"));
            var queries = System.Text.RegularExpressions.Regex.Match(docs, "```promql\n(.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
                .Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(queries.Length >= 10, $"{queries.Length} queries");
            foreach (var query in queries.Select(q => q.Replace("$__rate_interval", "1m", StringComparison.Ordinal).Replace("$__range", "1h", StringComparison.Ordinal)))
            {
                // A rate needs two scrapes in its range: a few seconds at most.
                stack.WaitUntil(() => stack.Query(query).Count > 0, $"series from the documented query '{query}'", TimeSpan.FromSeconds(20));
            }

            // The budget alert fires for alpha's exceeded budget.
            var budgetAlert = System.Text.RegularExpressions.Regex.Match(docs, "alert: OpenCodeBudgetExceeded\n\\s*expr: (.*)\n").Groups[1].Value;
            Assert.Contains(stack.Query(budgetAlert), a => a.Labels["machine"] == "alpha" && a.Labels["budget"] == "team \"a\"" && a.Labels["status"] == "exceeded");

            var rules = Path.Combine(stack.Root, "rules.yml");
            File.WriteAllText(rules, System.Text.RegularExpressions.Regex.Match(docs, "```yaml\n(groups:.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value);
            var (rulesExit, rulesSaid) = Promtool("check rules " + rules, string.Empty);
            Assert.True(rulesExit == 0, $"promtool check rules: {rulesSaid}");

            // node_exporter read the file without complaint; promtool finds nothing wrong in any of the three outputs.
            Assert.Equal(0, stack.Query("node_textfile_scrape_error").Single().Value);
            foreach (var (what, text) in new[] { ("textfile", File.ReadAllText(textfile)), ("push", betaText), ("endpoint", served) })
            {
                var (exit, said) = Promtool(text);
                Assert.True(exit == 0 && said.Trim().Length == 0, $"promtool check metrics on the {what}: exit {exit}: {said}");
            }
        }
        finally
        {
            // Ctrl+C on the watch: the pipeline stops, and so does the endpoint (bounded: a hang fails the test).
            Bounded.Run(() =>
            {
                pipeline.Stop();
                return true;
            }, TimeSpan.FromSeconds(30));
        }

        Assert.True(serving.IsCompleted);
        Assert.False(LoopbackPorts.Listening(endpointPort), "the endpoint still listens after its pipeline stopped");
    }
}
