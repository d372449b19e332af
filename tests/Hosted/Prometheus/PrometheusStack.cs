using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace OpenCodeUsage.Tests.Hosted.Prometheus;

/// <summary>
/// The real Debian Prometheus, node_exporter (textfile collector only) and Pushgateway, each on a free loopback
/// port, with a temporary config, storage and textfile directory; Prometheus scrapes the two of them and one more
/// target (our endpoint) every second. Dispose stops every process (bounded waits) and removes the directories.
/// Without the binaries the tests skip, unless OPENCODEUSAGE_REQUIRE_PROMETHEUS=1 (set by .ci/run) makes it a failure.
/// </summary>
internal sealed class PrometheusStack : IDisposable
{
    public const string RequireVariable = "OPENCODEUSAGE_REQUIRE_PROMETHEUS";
    private readonly List<(string Name, Process Process, StringBuilder Log)> _processes = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private PrometheusStack(string root, int endpointPort)
    {
        Root = root;
        TextfileDirectory = Directory.CreateDirectory(Path.Combine(root, "textfile")).FullName;
        EndpointPort = endpointPort;
        NodePort = LoopbackPorts.Free();
        GatewayPort = LoopbackPorts.Free();
        PrometheusPort = LoopbackPorts.Free();
    }

    public string Root { get; }

    /// <summary>node_exporter's --collector.textfile.directory.</summary>
    public string TextfileDirectory { get; }

    public int NodePort { get; }
    public int GatewayPort { get; }
    public int PrometheusPort { get; }

    /// <summary>The port our /metrics endpoint is to listen on, scraped as job "opencode".</summary>
    public int EndpointPort { get; }

    public Uri Gateway => new($"http://127.0.0.1:{GatewayPort}");

    /// <summary>The path of a tool the Debian packages install, or null (the test skips or, in CI, fails).</summary>
    public static string? Tool(string name)
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Append("/usr/bin")
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
        if (path is null && Environment.GetEnvironmentVariable(RequireVariable) == "1")
        {
            Assert.Fail($"{RequireVariable}=1 but '{name}' was not found: apt-get install -y prometheus prometheus-node-exporter prometheus-pushgateway.");
        }

        Skip.If(path is null, $"'{name}' is not installed (apt-get install -y prometheus prometheus-node-exporter prometheus-pushgateway).");
        return path;
    }

    public static PrometheusStack Start(int endpointPort)
    {
        var prometheus = Tool("prometheus")!;
        var node = Tool("prometheus-node-exporter")!;
        var gateway = Tool("prometheus-pushgateway")!;
        var stack = new PrometheusStack(Directory.CreateTempSubdirectory("ocu-prom-").FullName, endpointPort);
        try
        {
            stack.Launch("node_exporter", node, $"--web.listen-address=127.0.0.1:{stack.NodePort}", "--collector.disable-defaults",
                "--collector.textfile", $"--collector.textfile.directory={stack.TextfileDirectory}");
            stack.Launch("pushgateway", gateway, $"--web.listen-address=127.0.0.1:{stack.GatewayPort}");
            var config = Path.Combine(stack.Root, "prometheus.yml");
            File.WriteAllText(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: node
                    static_configs: [{"{"} targets: ['127.0.0.1:{stack.NodePort}'] {"}"}]
                  - job_name: pushgateway
                    honor_labels: true
                    static_configs: [{"{"} targets: ['127.0.0.1:{stack.GatewayPort}'] {"}"}]
                  - job_name: opencode
                    static_configs: [{"{"} targets: ['127.0.0.1:{stack.EndpointPort}'] {"}"}]
                """);
            stack.Launch("prometheus", prometheus, $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(stack.Root, "tsdb")}",
                $"--web.listen-address=127.0.0.1:{stack.PrometheusPort}", "--log.level=warn");
            stack.WaitUntil(() => stack.Get($"http://127.0.0.1:{stack.PrometheusPort}/-/ready") is not null, "Prometheus to be ready");
            stack.WaitUntil(() => stack.Get($"http://127.0.0.1:{stack.NodePort}/metrics") is not null, "node_exporter to listen");
            stack.WaitUntil(() => stack.Get($"{stack.Gateway}metrics") is not null, "the Pushgateway to listen");
            return stack;
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    private void Launch(string name, string path, params string[] arguments)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Root };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((name, process, log));
    }

    /// <summary>What the processes printed, for a failing assertion's message.</summary>
    public string Logs => string.Join("\n", _processes.Select(p =>
    {
        lock (p.Log)
        {
            return $"--- {p.Name}{(p.Process.HasExited ? $" (exited {p.Process.ExitCode})" : string.Empty)}\n{p.Log}";
        }
    }));

    public string? Get(string url)
    {
        try
        {
            using var response = _http.GetAsync(url).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode ? response.Content.ReadAsStringAsync().GetAwaiter().GetResult() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>An instant PromQL query through Prometheus's HTTP API: each series' labels and value.</summary>
    public List<(Dictionary<string, string> Labels, double Value)> Query(string promql)
    {
        var body = Get($"http://127.0.0.1:{PrometheusPort}/api/v1/query?query={Uri.EscapeDataString(promql)}")
            ?? throw new InvalidOperationException($"Prometheus did not answer '{promql}'.\n{Logs}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        return json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
            series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty),
            double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>The health of each scrape target, by job.</summary>
    public Dictionary<string, string> TargetHealth()
    {
        var body = Get($"http://127.0.0.1:{PrometheusPort}/api/v1/targets");
        if (body is null)
        {
            return [];
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .ToDictionary(t => t.GetProperty("labels").GetProperty("job").GetString()!, t => t.GetProperty("health").GetString()!);
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, for 60 s at most.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited in vain for {what}.\n{Logs}");
            }

            Thread.Sleep(250);
        }
    }

    public void Dispose()
    {
        foreach (var (_, process, _) in Enumerable.Reverse(_processes))
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        _http.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held for a moment: only litter in the temp directory.
        }
    }
}
