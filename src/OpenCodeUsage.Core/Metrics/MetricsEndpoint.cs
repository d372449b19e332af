using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenCodeUsage.Metrics;

/// <summary>
/// An HTTP endpoint Prometheus scrapes: GET /metrics answers with what <c>render</c> computes at that moment (one
/// scrape at a time), / with a line pointing there, anything else 404. A socket bound to exactly one address and
/// port (loopback unless the caller says otherwise), answering whatever Host the scraper names (localhost, the
/// address, a container's alias): HttpListener would bind by name and refuse other Host headers. One request per
/// connection, each bounded in size and time. Dispose stops listening and waits for the loop briefly.
/// </summary>
public sealed class MetricsEndpoint : IDisposable
{
    private const int MaxRequestBytes = 16 * 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener;
    private readonly Func<CancellationToken, MetricSet> _render;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Task _loop;
    private int _scrapes;
    private Exception? _failure;

    private MetricsEndpoint(IPAddress address, int port, Func<CancellationToken, MetricSet> render)
    {
        _render = render;
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        _listener = new TcpListener(address, port);
        if (address.Equals(IPAddress.IPv6Any))
        {
            _listener.Server.DualMode = true;
        }

        try
        {
            _listener.Start();
        }
        catch (SocketException ex)
        {
            _listener.Dispose();
            throw new OpenCodeUsageException("MetricsEndpointFailed", FailureKind.Unavailable,
                $"The metrics endpoint could not listen on {host}:{port}: {ex.Message}", $"{host}:{port}", ex);
        }

        var shown = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "localhost" : host;
        Uri = new Uri($"http://{shown}:{port}/metrics");
        _loop = Task.Run(Serve);
    }

    /// <summary>Where Prometheus scrapes it.</summary>
    public Uri Uri { get; }

    /// <summary>Scrapes of /metrics answered so far.</summary>
    public int Scrapes => Volatile.Read(ref _scrapes);

    /// <summary>The last failure of <c>render</c>, taken (and cleared) by the caller to report it.</summary>
    public Exception? TakeFailure() => Interlocked.Exchange(ref _failure, null);

    public static MetricsEndpoint Start(IPAddress address, int port, Func<CancellationToken, MetricSet> render) => new(address, port, render);

    private async Task Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }

            // Each connection on its own, so a client that never sends its request holds up nobody else.
            _ = Task.Run(() => Answer(client));
        }
    }

    private void Answer(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                stream.ReadTimeout = stream.WriteTimeout = (int)RequestTimeout.TotalMilliseconds;
                if (ReadRequestLine(stream) is not { } line)
                {
                    return;
                }

                var (status, type, body) = Respond(line);
                var parts = line.Split(' ');
                var head = $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {type}\r\nContent-Length: {body.Length}\r\n" +
                    (status == 405 ? "Allow: GET, HEAD\r\n" : string.Empty) + "Connection: close\r\n\r\n";
                stream.Write(Encoding.ASCII.GetBytes(head));
                if (parts[0] != "HEAD")
                {
                    stream.Write(body);
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
            {
                // The scraper went away mid-answer: the next scrape is answered as usual.
            }
        }
    }

    /// <summary>The request line of a request whose head fits the bound; null for anything else.</summary>
    private static string? ReadRequestLine(NetworkStream stream)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return null;
            }

            length += read;
            // The request head ends at a blank line; a GET has no body to wait for.
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                var text = Encoding.ASCII.GetString(buffer, 0, length);
                return text[..text.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r');
            }
        }

        return null;
    }

    private (int Status, string Type, byte[] Body) Respond(string requestLine)
    {
        const string Plain = "text/plain; charset=utf-8";
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            return (400, Plain, Encoding.UTF8.GetBytes("Not an HTTP/1 request.\n"));
        }

        if (parts[0] is not ("GET" or "HEAD"))
        {
            return (405, Plain, Encoding.UTF8.GetBytes("Only GET.\n"));
        }

        var path = parts[1].Split('?')[0];
        if (path == "/metrics")
        {
            try
            {
                byte[] body;
                lock (_gate)
                {
                    body = _render(_stop.Token).ToUtf8();
                }

                Interlocked.Increment(ref _scrapes);
                return (200, MetricSet.ContentType, body);
            }
            catch (Exception ex)
            {
                // Any failure of the read, caught here: a failed scrape is a failed scrape (up == 0 in Prometheus),
                // never half the figures, and the endpoint goes on serving.
                _failure = ex;
                return (500, Plain, Encoding.UTF8.GetBytes(ex.Message + "\n"));
            }
        }

        return path == "/"
            ? (200, Plain, Encoding.UTF8.GetBytes("OpenCodeUsage metrics: /metrics\n"))
            : (404, Plain, Encoding.UTF8.GetBytes("Not found; the metrics are at /metrics.\n"));
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        // Bounded: a scrape being rendered finishes or is cancelled; the caller is never held up for long.
        if (_loop.Wait(TimeSpan.FromSeconds(5)))
        {
            _stop.Dispose();
        }
    }
}
