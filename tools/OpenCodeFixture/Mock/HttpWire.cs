using System.Globalization;
using System.Text;

namespace OpenCodeFixture.Mock;

/// <summary>One parsed HTTP/1.1 request: just what the mock routes on.</summary>
sealed record HttpRequest(
    string Method,
    string Path,
    string Version,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>HTTP/1.1 keeps the connection unless the client says close; HTTP/1.0 only if it asks.</summary>
    public bool WantsKeepAlive
    {
        get
        {
            var connection = Header("connection")?.ToLowerInvariant() ?? "";
            if (connection.Contains("close", StringComparison.Ordinal)) return false;
            return Version == "HTTP/1.1" || connection.Contains("keep-alive", StringComparison.Ordinal);
        }
    }
}

/// <summary>
/// Reads requests off one connection. A hand-written HTTP/1.1 reader (rather than HttpListener)
/// gives the mock the Python server's exact wire behaviour: keep-alive for JSON answers, and
/// event streams without chunked encoding, ended by closing the connection.
/// </summary>
sealed class HttpRequestReader(Stream stream)
{
    const int MaxHeaderBytes = 64 * 1024;
    readonly byte[] _buffer = new byte[16 * 1024];
    int _start;
    int _end;

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    public async Task<HttpRequest?> ReadAsync(CancellationToken ct)
    {
        var requestLine = await ReadLineAsync(ct);
        while (requestLine is { Length: 0 }) requestLine = await ReadLineAsync(ct); // tolerate stray CRLFs
        if (requestLine is null) return null;
        var parts = requestLine.Split(' ');
        if (parts.Length != 3) throw new InvalidDataException("bad request line");

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var headerBytes = 0;
        while (true)
        {
            var line = await ReadLineAsync(ct) ?? throw new EndOfStreamException("connection closed in headers");
            if (line.Length == 0) break;
            headerBytes += line.Length;
            if (headerBytes > MaxHeaderBytes) throw new InvalidDataException("headers too large");
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        byte[] body;
        if (headers.TryGetValue("transfer-encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = await ReadChunkedAsync(ct);
        else if (headers.TryGetValue("content-length", out var cl) && int.TryParse(cl, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            body = await ReadExactlyAsync(length, ct);
        else
            body = [];
        return new HttpRequest(parts[0], parts[1], parts[2], headers, body);
    }

    async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(ct) ?? throw new EndOfStreamException("connection closed in chunk");
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while (!string.IsNullOrEmpty(await ReadLineAsync(ct))) { } // trailers
                return body.ToArray();
            }
            body.Write(await ReadExactlyAsync(size, ct));
            await ReadLineAsync(ct);
        }
    }

    async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end && !await FillAsync(ct)) throw new EndOfStreamException("connection closed in body");
            var n = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, n);
            _start += n;
            copied += n;
        }
        return result;
    }

    /// <summary>A line without its CRLF (or LF), or null at end of stream before any byte.</summary>
    async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end && !await FillAsync(ct))
                return line.Count == 0 ? null : throw new EndOfStreamException("connection closed mid-line");
            var b = _buffer[_start++];
            if (b == '\n')
            {
                if (line.Count > 0 && line[^1] == '\r') line.RemoveAt(line.Count - 1);
                return Encoding.Latin1.GetString(line.ToArray());
            }
            line.Add(b);
            if (line.Count > MaxHeaderBytes) throw new InvalidDataException("line too long");
        }
    }

    async Task<bool> FillAsync(CancellationToken ct)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, ct);
        return _end > 0;
    }
}

/// <summary>Writes responses: whole JSON bodies with a length, or an event stream closed at the end.</summary>
static class HttpResponseWriter
{
    public static async Task WriteAsync(Stream stream, int status, string contentType, byte[] body, bool keepAlive, CancellationToken ct)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {Reason(status)}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n")
            .Append(keepAlive ? "" : "Connection: close\r\n")
            .Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await stream.WriteAsync(body, ct);
        await stream.FlushAsync(ct);
    }

    /// <summary>Headers of a server-sent-event stream; the body ends when the connection closes.</summary>
    public static async Task StartEventStreamAsync(Stream stream, CancellationToken ct)
    {
        const string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);
        await stream.FlushAsync(ct);
    }

    public static async Task WriteTextAsync(Stream stream, string text, CancellationToken ct)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
        await stream.FlushAsync(ct);
    }

    static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        501 => "Not Implemented",
        _ => "Error",
    };
}
