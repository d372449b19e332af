using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Delegation;

namespace OpenCodeUsage.Server;

/// <summary>A reply of the OpenCode server: status and JSON body (null when empty or not JSON).</summary>
internal sealed record ServerReply(HttpStatusCode Status, JsonNode? Body)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}

/// <summary>
/// The one client of <c>opencode serve</c> (1.x and 2.x) that Watch-OpenCodeActivity -Server,
/// Invoke-OpenCodeDelegate -Server and the permission and question cmdlets share: the address rules of
/// <see cref="ServerAddress"/>, Basic auth (user "opencode" unless told otherwise, the password from the caller or
/// OPENCODE_SERVER_PASSWORD), no redirects (credentials go only to the given host), every reply body read up to
/// <see cref="MaxReplyBytes"/> and event streams through <see cref="BoundedLineReader"/>. Transport failures,
/// rejected credentials and oversized replies are <see cref="ServerException"/>s; other statuses are the caller's.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    public const string DefaultUserName = "opencode";

    /// <summary>No reply OpenCode sends comes near this; a bigger one (a proxy's endless page, a broken server) is refused unread.</summary>
    public const long DefaultMaxReplyBytes = 64L << 20;

    private readonly HttpClient _client;
    private readonly ActivityLog? _log;
    private ServerIdentity? _identity;

    public ServerClient(Uri address, string? userName, string? password, Func<string, string?> environment, ActivityLog? log = null)
    {
        BaseUri = ServerAddress.Check(address);
        _log = log;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            BaseAddress = BaseUri,
            Timeout = Timeout.InfiniteTimeSpan, // each request is bounded by its caller's token
        };
        password = password is { Length: > 0 } ? password : environment("OPENCODE_SERVER_PASSWORD");
        if (!string.IsNullOrEmpty(password))
        {
            ServerAddress.RequireSafeForPassword(BaseUri);
            var user = userName is { Length: > 0 } ? userName : environment("OPENCODE_SERVER_USERNAME") is { Length: > 0 } u ? u : DefaultUserName;
            _client.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }

    public Uri BaseUri { get; }

    /// <summary>The most of one reply body that is read; past it the request fails with ServerReplyTooLarge.</summary>
    public long MaxReplyBytes { get; init; } = DefaultMaxReplyBytes;

    /// <summary>The address as messages may show it.</summary>
    public string Display => BaseUri.GetLeftPart(UriPartial.Path);

    /// <summary>
    /// Which API the server speaks, asked once: 1.x answers <c>GET /global/health</c> with its version (1.18 also
    /// serves an early <c>/api</c>, so that route alone says nothing); 2.x has no such route and answers <c>GET /api/health</c>.
    /// </summary>
    public async Task<ServerIdentity> IdentifyAsync(CancellationToken cancellationToken)
    {
        if (_identity is not null)
        {
            return _identity;
        }

        var v1 = await SendAsync(HttpMethod.Get, "global/health", null, null, cancellationToken).ConfigureAwait(false);
        if (v1.Ok && v1.Body is JsonObject one && one["healthy"] is not null)
        {
            return _identity = new ServerIdentity(ServerGeneration.V1, one["version"]?.GetValue<string>());
        }

        var v2 = await SendAsync(HttpMethod.Get, "api/health", null, null, cancellationToken).ConfigureAwait(false);
        if (v2.Ok && v2.Body is JsonObject two && two["healthy"] is not null)
        {
            return _identity = new ServerIdentity(ServerGeneration.V2, two["version"]?.GetValue<string>());
        }

        throw new ServerException(DelegateFailureKind.ServerUnavailable,
            $"'{Display}' does not answer as an OpenCode server: GET /global/health gave {(int)v1.Status} and GET /api/health {(int)v2.Status}.", ServerErrors.NotOpenCode);
    }

    /// <summary>A request with an optional project directory (OpenCode's <c>directory</c> query) and JSON body.</summary>
    public async Task<ServerReply> SendAsync(HttpMethod method, string path, string? directory, JsonNode? body, CancellationToken cancellationToken)
    {
        var uri = directory is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}directory={Uri.EscapeDataString(directory)}";
        _log?.Detail($"{method} {BaseUri}{path}");
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await OpenAsync(request, cancellationToken).ConfigureAwait(false);
        var bytes = await ReadBoundedAsync(response, path, cancellationToken).ConfigureAwait(false);
        JsonNode? json = null;
        try
        {
            json = bytes.Length == 0 ? null : JsonNode.Parse(bytes);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the status alone has to do.
        }

        return new ServerReply(response.StatusCode, json);
    }

    /// <summary>An event stream's response, its headers read and its body not: the caller reads it line by line and disposes it.</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        return OpenAsync(request, cancellationToken);
    }

    /// <summary>The reply's body when it succeeded; otherwise the failure it describes, as a <see cref="ServerException"/>.</summary>
    public static JsonNode? Expect(ServerReply reply, string what)
    {
        if (reply.Ok)
        {
            return reply.Body;
        }

        var error = reply.Body is JsonObject o ? EventError.From(JsonSerializer.SerializeToElement(o)) : null;
        var message = $"{what}: the OpenCode server answered {(int)reply.Status}" + (error is null ? "." : $" ({error.Name}: {error.Message})");
        var kind = reply.Status == HttpStatusCode.NotFound && (error?.Message ?? string.Empty).Contains("not found", StringComparison.OrdinalIgnoreCase)
            ? DelegateFailureKind.SessionNotFound
            : reply.Status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                ? DelegateFailureKind.ServerUnavailable
                : error?.Kind ?? DelegateFailureKind.Unknown;
        throw new ServerException(kind, message, kind == DelegateFailureKind.ServerUnavailable ? ServerErrors.Unavailable : ServerErrors.RequestFailed);
    }

    public void Dispose() => _client.Dispose();

    private async Task<HttpResponseMessage> OpenAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // Headers only: the body is read by ReadBoundedAsync or the stream's reader, never buffered whole by HttpClient.
            response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerException(DelegateFailureKind.ServerUnavailable, $"The OpenCode server at {Display} could not be reached: {ex.Message}", ServerErrors.Unavailable);
        }
        finally
        {
            request.Dispose();
        }

        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new ServerException(DelegateFailureKind.ServerAuthFailed,
                $"The OpenCode server at {Display} refused the credentials ({status}). Pass -Credential with its user (usually 'opencode') and its password (OPENCODE_SERVER_PASSWORD; a 2.x server keeps it in ~/.local/state/opencode).",
                ServerErrors.AuthenticationFailed);
        }

        return response;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        var limit = MaxReplyBytes;
        if (response.Content.Headers.ContentLength > limit)
        {
            throw TooLarge(path, limit);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(path, limit);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ServerException TooLarge(string path, long limit) =>
        new(DelegateFailureKind.OutputTooLarge, $"The OpenCode server's reply to {path} is larger than {limit:N0} bytes; it was not read further.", ServerErrors.ReplyTooLarge);
}
