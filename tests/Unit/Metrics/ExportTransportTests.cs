using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using OpenCodeUsage.Metrics;
using Xunit;

namespace OpenCodeUsage.Tests.Metrics;

/// <summary>The three ways out: the textfile (atomic), the Pushgateway's PUT, and the /metrics endpoint.</summary>
public sealed class ExportTransportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static MetricSet Sample(decimal value)
    {
        var set = new MetricSet();
        set.Define("opencode_cost_usd_total", MetricType.Counter, "Cost.", "machine");
        set.Add("opencode_cost_usd_total", value, "m");
        return set;
    }

    [Fact]
    public void The_textfile_is_replaced_whole_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir, "opencode.prom");
        MetricsFile.Write(path, Sample(1));
        MetricsFile.Write(path, Sample(2));
        Assert.Equal(Sample(2).ToText(), File.ReadAllText(path));
        Assert.Equal(["opencode.prom"], Directory.EnumerateFiles(_dir).Select(Path.GetFileName));
        if (!OperatingSystem.IsWindows())
        {
            // node_exporter runs as its own user: the file is readable as any new file is, not owner-only.
            var ex = Assert.Throws<OpenCodeUsageException>(() => MetricsFile.Write("/dev/null", Sample(1)));
            Assert.Equal("MetricsWriteFailed", ex.ErrorId);
        }
    }

    [Fact]
    public void A_push_is_a_PUT_of_the_text_to_the_job_and_machine_group_base64_encoded()
    {
        using var gateway = LoopbackServer.Sequence(new LoopbackResponse { Status = 200 });
        Pushgateway.Push(new Uri(gateway.BaseUri, "prefix/"), "opencode", "my box/1", Sample(3), CancellationToken.None);
        var request = Assert.Single(gateway.Requests);
        Assert.Equal("PUT", request.Method);
        Assert.Equal("/prefix/metrics/job@base64/b3BlbmNvZGU=/machine@base64/bXkgYm94LzE=", request.Path);
        Assert.Equal(MetricSet.ContentType, request.Header("Content-Type"));
        Assert.Equal("=", Pushgateway.Base64Url(string.Empty));
        // base64url: - and _ where base64 has + and /, which a path would misread.
        Assert.Equal("fn5-", Pushgateway.Base64Url("~~~"));
        Assert.Equal("Pz8_", Pushgateway.Base64Url("???"));
    }

    [Fact]
    public void A_refused_push_says_what_the_gateway_said()
    {
        using var gateway = LoopbackServer.Sequence(LoopbackResponse.Json(400, "pushed metrics are invalid or inconsistent"));
        var ex = Assert.Throws<OpenCodeUsageException>(() => Pushgateway.Push(gateway.BaseUri, "opencode", "m", Sample(1), CancellationToken.None));
        Assert.Equal("MetricsPushFailed", ex.ErrorId);
        Assert.Contains("400", ex.Message, StringComparison.Ordinal);
        Assert.Contains("inconsistent", ex.Message, StringComparison.Ordinal);
        var invalid = Assert.Throws<OpenCodeUsageException>(() => Pushgateway.GroupUri(new Uri("ftp://x/"), "j", "m"));
        Assert.Equal("PushGatewayInvalid", invalid.ErrorId);
    }

    [Fact]
    public async Task The_endpoint_serves_metrics_on_loopback_answers_other_paths_and_stops()
    {
        var port = LoopbackPorts.Free();
        var value = 1m;
        var fail = false;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var endpoint = MetricsEndpoint.Start(IPAddress.Loopback, port, _ => fail ? throw new OpenCodeUsageException("DatabaseReadFailed", FailureKind.ReadFailed, "gone") : Sample(value++));
        try
        {
            Assert.Equal(new Uri($"http://127.0.0.1:{port}/metrics"), endpoint.Uri);
            var first = await http.GetAsync(endpoint.Uri);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(MetricSet.ContentType, first.Content.Headers.ContentType!.ToString());
            Assert.Equal(Sample(1).ToText(), await first.Content.ReadAsStringAsync());
            // A client that connects and sends nothing holds up no one; any Host is answered (localhost, an alias).
            using var silent = new TcpClient();
            await silent.ConnectAsync(IPAddress.Loopback, port);
            using var aliased = new HttpRequestMessage(HttpMethod.Get, endpoint.Uri);
            aliased.Headers.Host = "prometheus-target.example:9464";
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(aliased)).StatusCode);
            value--;
            // Each scrape computes afresh.
            Assert.Equal(Sample(2).ToText(), await http.GetStringAsync(endpoint.Uri));
            Assert.Equal(3, endpoint.Scrapes);
            using var head = new HttpRequestMessage(HttpMethod.Head, endpoint.Uri);
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(head)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"http://127.0.0.1:{port}/other")).StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await http.PostAsync(endpoint.Uri, new StringContent(""))).StatusCode);
            fail = true;
            var failed = await http.GetAsync(endpoint.Uri);
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
            Assert.Equal("gone", Assert.IsType<OpenCodeUsageException>(endpoint.TakeFailure()).Message);
            Assert.Null(endpoint.TakeFailure());
        }
        finally
        {
            endpoint.Dispose();
        }

        using var client = new TcpClient();
        Assert.Throws<SocketException>(() => client.Connect(IPAddress.Loopback, port));
        // A port already taken is a clear failure.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var busy = Assert.Throws<OpenCodeUsageException>(() => MetricsEndpoint.Start(IPAddress.Loopback, ((IPEndPoint)taken.LocalEndpoint).Port, _ => Sample(1)));
        Assert.Equal("MetricsEndpointFailed", busy.ErrorId);
    }
}
