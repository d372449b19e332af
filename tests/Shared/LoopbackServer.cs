using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenCodeUsage.Tests;

/// <summary>One request as the loopback server read it.</summary>
internal sealed record LoopbackRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The request body (by its Content-Length, up to 1 MiB), as UTF-8 text.</summary>
    public string Body { get; init; } = string.Empty;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the loopback server answers; the odd behaviours (hanging, stalling, streaming) are for transport tests.</summary>
internal sealed class LoopbackResponse
{
    public int Status { get; init; } = 200;
    public byte[] Body { get; init; } = [];
    public string ContentType { get; init; } = "application/json";
    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>Never answer (until the server stops): a server that accepted but does not respond.</summary>
    public bool Hang { get; init; }

    /// <summary>Send the headers and the first bytes of the body, then stop sending.</summary>
    public bool StallBody { get; init; }

    /// <summary>Send the body chunked, without Content-Length, so only reading it tells its size.</summary>
    public bool Chunked { get; init; }

    /// <summary>After the body, this many spaces, made as they are sent (a huge reply the server never holds); chunked only.</summary>
    public long Filler { get; init; }

    /// <summary>An event stream: chunks sent as they are added, chunked, until the collection is completed or the server stops.</summary>
    public BlockingCollection<byte[]>? Stream { get; init; }

    public static LoopbackResponse Json(int status, string json, params (string Name, string Value)[] headers) => new()
    {
        Status = status,
        Body = Encoding.UTF8.GetBytes(json),
        Headers = headers.ToDictionary(h => h.Name, h => h.Value),
    };

    public static LoopbackResponse Html(int status, string html) => new() { Status = status, Body = Encoding.UTF8.GetBytes(html), ContentType = "text/html; charset=utf-8" };

    public static LoopbackResponse Redirect(string location) => new() { Status = 302, Headers = new() { ["Location"] = location } };
}

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 for real HttpClient traffic in tests: one response per connection,
/// requests recorded, bounded in request size and lifetime; it stops itself after <c>lifetime</c> at the latest.
/// It runs on its own threads with blocking sockets, so a busy thread pool (tests run in parallel) cannot
/// make it look slow to a client that is testing timeouts.
/// </summary>
internal sealed class LoopbackServer : IDisposable
{
    private const int MaxHeaderBytes = 64 * 1024;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop;
    private readonly Func<LoopbackRequest, LoopbackResponse> _handler;
    private readonly ConcurrentQueue<LoopbackRequest> _requests = new();
    private readonly ConcurrentDictionary<TcpClient, bool> _open = new();
    private readonly Thread _accepting;

    public LoopbackServer(Func<LoopbackRequest, LoopbackResponse> handler, TimeSpan? lifetime = null)
    {
        _handler = handler;
        _stop = new CancellationTokenSource(lifetime ?? TimeSpan.FromSeconds(90));
        _stop.Token.Register(() => _listener.Stop());
        _listener.Start();
        _accepting = new Thread(AcceptLoop) { IsBackground = true, Name = "LoopbackServer" };
        _accepting.Start();
    }

    /// <summary>Answers every request with the responses in turn, the last one repeated.</summary>
    public static LoopbackServer Sequence(params LoopbackResponse[] responses)
    {
        var next = 0;
        return new LoopbackServer(_ => responses[Math.Min(Interlocked.Increment(ref next) - 1, responses.Length - 1)]);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public IReadOnlyList<LoopbackRequest> Requests => _requests.ToArray();

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var client in _open.Keys)
        {
            client.Dispose();
        }

        _accepting.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }

    private void AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _open[client] = true;
            new Thread(() => Serve(client)) { IsBackground = true, Name = "LoopbackServer connection" }.Start();
        }
    }

    private void Serve(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var request = ReadRequest(stream);
            if (request is null)
            {
                return;
            }

            _requests.Enqueue(request);
            var response = _handler(request);
            if (response.Hang)
            {
                _stop.Token.WaitHandle.WaitOne();
                return;
            }

            Write(stream, response);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // The client gave up (a timeout or the size cap) or the server is stopping.
        }
        finally
        {
            _open.TryRemove(client, out _);
            client.Dispose();
        }
    }

    private static LoopbackRequest? ReadRequest(NetworkStream stream)
    {
        var buffer = new byte[MaxHeaderBytes];
        var length = 0;
        int end;
        while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (length == buffer.Length)
            {
                return null;
            }

            var read = stream.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return null;
            }

            length += read;
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var first = lines[0].Split(' ');
        var headers = lines.Skip(1).Where(l => l.Contains(':'))
            .GroupBy(l => l[..l.IndexOf(':')].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(l => l[(l.IndexOf(':') + 1)..].Trim())), StringComparer.OrdinalIgnoreCase);
        var body = new MemoryStream();
        if (headers.TryGetValue("Content-Length", out var declared) && int.TryParse(declared, out var size) && size is > 0 and <= 1 << 20)
        {
            body.Write(buffer, end + 4, Math.Min(size, length - end - 4));
            var chunk = new byte[8192];
            while (body.Length < size)
            {
                var read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, size - body.Length));
                if (read == 0)
                {
                    break;
                }

                body.Write(chunk, 0, read);
            }
        }

        return new LoopbackRequest(first[0], first.Length > 1 ? first[1] : "/", headers) { Body = Encoding.UTF8.GetString(body.ToArray()) };
    }

    private void Write(NetworkStream stream, LoopbackResponse response)
    {
        var head = new StringBuilder($"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\nConnection: close\r\n");
        if (response.Body.Length > 0 || !response.Headers.ContainsKey("Location"))
        {
            head.Append($"Content-Type: {response.ContentType}\r\n");
        }

        head.Append(response.Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {response.Body.Length}\r\n");
        foreach (var (name, value) in response.Headers)
        {
            head.Append($"{name}: {value}\r\n");
        }

        stream.Write(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
        if (response.StallBody)
        {
            stream.Write(response.Body.AsSpan(0, Math.Min(16, response.Body.Length)));
            stream.Flush();
            _stop.Token.WaitHandle.WaitOne();
            return;
        }

        if (response.Stream is { } events)
        {
            try
            {
                foreach (var chunk in events.GetConsumingEnumerable(_stop.Token))
                {
                    stream.Write(Encoding.ASCII.GetBytes($"{chunk.Length:X}\r\n"));
                    stream.Write(chunk);
                    stream.Write("\r\n"u8);
                    stream.Flush();
                }

                stream.Write("0\r\n\r\n"u8);
            }
            catch (OperationCanceledException)
            {
                // The server is stopping.
            }

            return;
        }

        if (!response.Chunked)
        {
            stream.Write(response.Body);
            return;
        }

        for (var offset = 0; offset < response.Body.Length; offset += 64 * 1024)
        {
            var size = Math.Min(64 * 1024, response.Body.Length - offset);
            stream.Write(Encoding.ASCII.GetBytes($"{size:X}\r\n"));
            stream.Write(response.Body.AsSpan(offset, size));
            stream.Write("\r\n"u8);
        }

        var filler = new byte[64 * 1024];
        Array.Fill(filler, (byte)' ');
        for (var left = response.Filler; left > 0 && !_stop.IsCancellationRequested; left -= filler.Length)
        {
            var size = (int)Math.Min(filler.Length, left);
            stream.Write(Encoding.ASCII.GetBytes($"{size:X}\r\n"));
            stream.Write(filler.AsSpan(0, size));
            stream.Write("\r\n"u8);
        }

        stream.Write("0\r\n\r\n"u8);
    }
}
