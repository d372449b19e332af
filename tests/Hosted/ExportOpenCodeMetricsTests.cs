using System.Diagnostics;
using System.Management.Automation;
using System.Net.Sockets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Export-OpenCodeMetrics through the real engine: -WhatIf, serving on its own until -TimeoutSec, and its errors.</summary>
public sealed class ExportOpenCodeMetricsTests : IDisposable
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-metrics-cmdlet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void WhatIf_says_what_it_would_write_push_and_serve_and_does_none_of_it()
    {
        using var gateway = LoopbackServer.Sequence(new LoopbackResponse { Status = 200 });
        var path = Path.Combine(_dir, "opencode.prom");
        var port = LoopbackPorts.Free();
        using var engine = new Engine();
        var output = engine.Run("Export-OpenCodeMetrics -Path $args[0] -PushGateway $args[1] -Port $args[2] -DataPath $args[3] -Machine box -WhatIf",
            path, gateway.BaseUri, port, Data);
        Assert.Empty(output);
        Assert.Empty(engine.Errors);
        Assert.False(File.Exists(path));
        Assert.Empty(gateway.Requests);
        Assert.Contains($"Write OpenCode metrics (Prometheus textfile)\" on target \"{path}\"", engine.Host.Text, StringComparison.Ordinal);
        Assert.Contains("Push OpenCode metrics as job 'opencode', machine 'box'", engine.Host.Text, StringComparison.Ordinal);
        Assert.Contains($"http://127.0.0.1:{port}/metrics", engine.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_nothing_piped_in_the_endpoint_serves_until_TimeoutSec_and_then_stops()
    {
        var port = LoopbackPorts.Free();
        using var engine = new Engine();
        using var pipeline = engine.CreatePipeline("Export-OpenCodeMetrics -Port $args[0] -TimeoutSec 4 -DataPath $args[1] -Label Model", port, Data);
        var clock = Stopwatch.StartNew();
        var run = pipeline.BeginInvoke();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        string? body = null;
        while (body is null && clock.Elapsed < TimeSpan.FromSeconds(20) && !run.IsCompleted)
        {
            try
            {
                body = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(run.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30)), "the endpoint did not stop after -TimeoutSec");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4), $"stopped after {clock.Elapsed}");
        Assert.Empty(pipeline.EndInvoke(run));
        Assert.Empty(pipeline.Streams.Error);
        Assert.NotNull(body);
        Assert.Contains("opencode_tokens_total{model=\"mock-fast\",kind=\"input\"} 6197\n", body, StringComparison.Ordinal);
        Assert.False(LoopbackPorts.Listening(port));
    }

    [Fact]
    public void A_push_nobody_takes_and_a_port_in_use_stop_with_their_ids()
    {
        using var engine = new Engine();
        var closed = LoopbackPorts.Free();
        var push = engine.RunExpectingTermination("Export-OpenCodeMetrics -PushGateway $args[0] -DataPath $args[1]", new Uri($"http://127.0.0.1:{closed}/"), Data);
        Assert.StartsWith("MetricsPushFailed,", push.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceUnavailable, push.CategoryInfo.Category);

        using var refusing = LoopbackServer.Sequence(LoopbackResponse.Json(400, "pushed metrics are invalid or inconsistent with existing metrics"));
        var refused = engine.RunExpectingTermination("Export-OpenCodeMetrics -PushGateway $args[0] -DataPath $args[1]", refusing.BaseUri, Data);
        Assert.StartsWith("MetricsPushFailed,", refused.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("inconsistent", refused.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("PUT", Assert.Single(refusing.Requests).Method);

        using var taken = new TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var busy = engine.RunExpectingTermination("Export-OpenCodeMetrics -Port $args[0] -TimeoutSec 1 -DataPath $args[1]", ((System.Net.IPEndPoint)taken.LocalEndpoint).Port, Data);
        Assert.StartsWith("MetricsEndpointFailed,", busy.FullyQualifiedErrorId, StringComparison.Ordinal);

        var file = engine.RunExpectingTermination("Export-OpenCodeMetrics -Path /dev/null -DataPath $args[0]", Data);
        Assert.StartsWith("MetricsWriteFailed,", file.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_Go_credentials_the_quota_is_an_error_and_the_usage_is_still_written()
    {
        using var home = new TempHome();
        var path = Path.Combine(_dir, "opencode.prom");
        var run = HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            Export-OpenCodeMetrics -Path {{HostProbe.Quote(path)}} -DataPath {{HostProbe.Quote(Data)}} -IncludeGoQuota -GoBaseUri 'http://127.0.0.1:9/' -ErrorVariable failed -ErrorAction SilentlyContinue
            $failed | ForEach-Object { 'error|' + $_.FullyQualifiedErrorId }
            """, home.Variables);
        Assert.Contains(run.Output, l => l.StartsWith("error|GoCookieNeeded,", StringComparison.Ordinal));
        var text = File.ReadAllText(path);
        Assert.Contains("opencode_tokens_total{", text, StringComparison.Ordinal);
        Assert.DoesNotContain("opencode_go_quota", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_or_second_budget_of_a_name_is_an_error_and_the_rest_are_exported_as_Test_OpenCodeBudget_reads_them()
    {
        using var engine = new Engine();
        var clixml = Path.Combine(_dir, "budget.xml");
        engine.Run("New-OpenCodeBudget -Name stored -Period Rolling -Window 3650.00:00:00 -LimitUsd 1 | Export-Clixml $args[0]", clixml);
        var text = (string)engine.Run("""
            $budgets = @(
                Import-Clixml $args[0]
                '{"Name":"json","Period":"Month","LimitTokens":1000}' | ConvertFrom-Json
                @{ Name = 'stored'; Period = 'Day'; LimitUsd = 5 }
                @{ Name = 'nolimit'; Period = 'Day' }
            )
            Export-OpenCodeMetrics -DataPath $args[1] -Label Machine -Machine m -Budget $budgets
            """, clixml, Data).Single().BaseObject;
        Assert.Equal(["BudgetInvalid", "BudgetInvalid"], engine.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains(engine.Errors, e => e.Exception.Message.Contains("'stored' is given twice", StringComparison.Ordinal));
        var stored = engine.Run("Test-OpenCodeBudget (Import-Clixml $args[0]) -DataPath $args[1]", clixml, Data).Single();
        Assert.Equal(0.0646136m, (decimal)stored.Properties["Spent"].Value); // the oracle's total, fork copies once
        Assert.Contains($"opencode_budget_spent_usd{{machine=\"m\",budget=\"stored\"}} {((decimal)stored.Properties["Spent"].Value).ToString("0.############################", System.Globalization.CultureInfo.InvariantCulture)}\n", text, StringComparison.Ordinal);
        Assert.Contains("opencode_budget_status{machine=\"m\",budget=\"json\",status=\"ok\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("opencode_budget_limit_tokens{machine=\"m\",budget=\"json\"} 1000\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nolimit", text, StringComparison.Ordinal);
    }
}
