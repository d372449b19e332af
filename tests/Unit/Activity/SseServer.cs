using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// A tiny event-stream server on 127.0.0.1 for the server-mode client: per connection it answers a status and
/// then writes SSE text in chunks, holding the connection open or closing it. Bounded: it stops by itself.
/// </summary>
internal sealed class SseServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(60));
    private readonly Func<int, string, Reply> _reply;
    private readonly ConcurrentQueue<(string Path, string? Authorization)> _requests = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];

    /// <summary>What one connection gets: a status, SSE chunks (with a pause before each) and whether to hang up after.</summary>
    public sealed record Reply(int Status, IReadOnlyList<(TimeSpan Pause, string Text)> Chunks, bool Close);

    public SseServer(Func<int, string, Reply> reply)
    {
        _reply = reply;
        _listener.Start();
        _stop.Token.Register(_listener.Stop);
        _ = Task.Run(AcceptAsync);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public IReadOnlyList<(string Path, string? Authorization)> Requests => _requests.ToArray();

    public static string Event(string json) => "data: " + json + "\n\n";

    private async Task AcceptAsync()
    {
        var count = 0;
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _clients.Add(client);
            var index = count++;
            _ = Task.Run(() => ServeAsync(client, index));
        }
    }

    private async Task ServeAsync(TcpClient client, int index)
    {
        try
        {
            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && head.Length < 16384)
            {
                if (await stream.ReadAsync(buffer, _stop.Token) == 0)
                {
                    return;
                }

                head.Append((char)buffer[0]);
            }

            var lines = head.ToString().Split("\r\n");
            var path = lines[0].Split(' ')[1];
            var authorization = lines.FirstOrDefault(l => l.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))?[14..].Trim();
            _requests.Enqueue((path, authorization));
            var reply = _reply(index, path);
            var status = $"HTTP/1.1 {reply.Status} {(reply.Status == 200 ? "OK" : "Error")}\r\n";
            var headers = reply.Status == 200
                ? "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
                : "Content-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(status + headers), _stop.Token);
            foreach (var (pause, text) in reply.Chunks)
            {
                await Task.Delay(pause, _stop.Token);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text), _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }

            if (!reply.Close)
            {
                await Task.Delay(Timeout.Infinite, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
        finally
        {
            client.Dispose();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }
}
