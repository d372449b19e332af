using System.Net;
using System.Text;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// An HTTP endpoint Prometheus scrapes: GET /metrics answers with what <c>render</c> computes at that moment (one
/// scrape at a time), / with a line pointing there, anything else 404. Bound to one address and port, loopback
/// unless the caller says otherwise; stopped by Dispose, which ends the listening loop and waits for it briefly.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<CancellationToken, MetricSet> _render;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Task _loop;
    private int _scrapes;

    private MetricsEndpoint(IPAddress address, int port, Func<CancellationToken, MetricSet> render)
    {
        _render = render;
        // "+" is HttpListener's name for every address; one address binds that one alone.
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "+"
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        Uri = new Uri($"http://{(host == "+" ? "localhost" : host)}:{port}/metrics");
        _listener.Prefixes.Add($"http://{host}:{port}/");
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            _listener.Close();
            throw new OpenCodeUsageException("MetricsEndpointFailed", FailureKind.Unavailable,
                $"The metrics endpoint could not listen on {host}:{port}: {ex.Message}", $"{host}:{port}", ex);
        }

        _loop = Task.Run(Serve);
    }

    /// <summary>Where Prometheus scrapes it.</summary>
    public Uri Uri { get; }

    /// <summary>Scrapes of /metrics answered so far.</summary>
    public int Scrapes => Volatile.Read(ref _scrapes);

    /// <summary>The last failure of <c>render</c>, taken (and cleared) by the caller to report it.</summary>
    public Exception? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    private Exception? _failure;

    public static MetricsEndpoint Start(IPAddress address, int port, Func<CancellationToken, MetricSet> render) => new(address, port, render);

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Answer(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The scraper went away mid-answer: the next scrape is answered as usual.
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        var response = context.Response;
        var path = context.Request.Url?.AbsolutePath ?? "/";
        int status;
        string type;
        byte[] body;
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            (status, type, body) = (405, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("Only GET.\n"));
            response.AddHeader("Allow", "GET, HEAD");
        }
        else if (path == "/metrics")
        {
            try
            {
                lock (_gate)
                {
                    body = _render(_stop.Token).ToUtf8();
                }

                (status, type) = (200, MetricSet.ContentType);
                Interlocked.Increment(ref _scrapes);
            }
            catch (Exception ex)
            {
                // Any failure of the read, caught here: this loop is the endpoint's only thread and must go on.
                // A failed scrape is a failed scrape (up == 0 in Prometheus), never half the figures.
                _failure = ex;
                (status, type, body) = (500, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(ex.Message + "\n"));
            }
        }
        else if (path == "/")
        {
            (status, type, body) = (200, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("OpenCodeUsage metrics: /metrics\n"));
        }
        else
        {
            (status, type, body) = (404, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("Not found; the metrics are at /metrics.\n"));
        }

        response.StatusCode = status;
        response.ContentType = type;
        response.ContentLength64 = body.Length;
        if (context.Request.HttpMethod != "HEAD")
        {
            response.OutputStream.Write(body);
        }

        response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        // Bounded: a scrape being rendered finishes or is cancelled; the loop never holds the caller up for long.
        if (_loop.Wait(TimeSpan.FromSeconds(5)))
        {
            _stop.Dispose();
        }
    }
}
