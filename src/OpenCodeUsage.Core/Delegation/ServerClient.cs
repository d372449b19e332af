using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Delegation;

/// <summary>A reply of the OpenCode server: status and JSON body (null when empty or not JSON).</summary>
internal sealed record ServerReply(HttpStatusCode Status, JsonNode? Body)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}

/// <summary>
/// Requests to one <c>opencode serve</c>, each for a project directory (OpenCode's <c>directory</c> query), with
/// Basic auth. Credentials go only to the given host: redirects are not followed. Transport failures and
/// rejected credentials end the run (<see cref="ServerException"/>); other statuses are the caller's to judge.
/// </summary>
internal sealed class ServerClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly ActivityLog _log;

    public ServerClient(ServerOptions options, Func<string, string?> environment, ActivityLog log)
    {
        BaseUri = Check(options.BaseUri);
        _log = log;
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseUri,
            Timeout = Timeout.InfiniteTimeSpan, // each request is bounded by the run's own token
        };
        var password = options.Password ?? environment("OPENCODE_SERVER_PASSWORD");
        if (!string.IsNullOrEmpty(password))
        {
            if (BaseUri.Scheme == Uri.UriSchemeHttp && !BaseUri.IsLoopback)
            {
                throw new OpenCodeUsageException("ServerUriInsecure", FailureKind.InvalidArgument,
                    $"'{BaseUri}' uses plain http to another machine; the server password is only sent over https or to a loopback address.",
                    BaseUri.OriginalString);
            }

            var user = options.UserName ?? environment("OPENCODE_SERVER_USERNAME") ?? "opencode";
            _client.DefaultRequestHeaders.Authorization =
                new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }

    public Uri BaseUri { get; }

    public static Uri Check(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new OpenCodeUsageException("ServerUriInvalid", FailureKind.InvalidArgument,
                $"'{uri.OriginalString}' is not an http or https address of an OpenCode server.", uri.OriginalString);
        }

        if (uri.UserInfo.Length > 0)
        {
            // An address is shown in messages and logs; a password inside it would be too.
            throw new OpenCodeUsageException("ServerUriInvalid", FailureKind.InvalidArgument,
                "Give the server's user and password with -Credential, not inside the address.", uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));
        }

        var builder = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    public async Task<ServerReply> SendAsync(HttpMethod method, string path, string directory, JsonNode? body, CancellationToken cancellationToken)
    {
        var uri = $"{path}?directory={Uri.EscapeDataString(directory)}";
        _log.Detail($"{method} {BaseUri}{path}");
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _client.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerException(DelegateFailureKind.ServerUnavailable, $"The OpenCode server at {BaseUri} could not be reached: {ex.Message}");
        }

        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new ServerException(DelegateFailureKind.ServerAuthFailed,
                    $"The OpenCode server at {BaseUri} rejected the credentials ({(int)response.StatusCode}). Pass -Credential with its user (usually 'opencode') and OPENCODE_SERVER_PASSWORD.");
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            JsonNode? json = null;
            try
            {
                json = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not JSON (a proxy's page, say): the status alone has to do.
            }

            return new ServerReply(response.StatusCode, json);
        }
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
        var kind = reply.Status == HttpStatusCode.NotFound && (error?.Message ?? string.Empty).Contains("Session not found", StringComparison.OrdinalIgnoreCase)
            ? DelegateFailureKind.SessionNotFound
            : reply.Status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
                ? DelegateFailureKind.ServerUnavailable
                : error?.Kind ?? DelegateFailureKind.Unknown;
        throw new ServerException(kind, message);
    }

    public void Dispose() => _client.Dispose();
}
