using System.Net;
using System.Net.Http.Headers;

namespace OpenCodeUsage.Go;

/// <summary>A response read whole, never more than the size cap.</summary>
internal sealed record HttpReply(HttpStatusCode Status, byte[] Body, Uri? Location);

/// <summary>
/// GET requests to one OpenCode host. Credentials stay with that host: only https (or http to a loopback
/// address), redirects are never followed, and cookies are never kept. Each attempt has a timeout; 408, 425,
/// 429 and 5xx are retried with exponential backoff (or the server's Retry-After, when short); bodies are read
/// up to a cap and never buffered beyond it. Synchronous on purpose: the log callbacks must run on the
/// caller's (PowerShell's pipeline) thread.
/// </summary>
internal sealed class GoHttp : IDisposable
{
    private const HttpStatusCode TooEarly = (HttpStatusCode)425; // not named in net8.0's enum
    private static readonly string UserAgent = $"OpenCodeUsage/{typeof(GoHttp).Assembly.GetName().Version?.ToString(3)}";
    private readonly HttpClient _client;
    private readonly Uri _baseUri;
    private readonly GoHttpSettings _settings;
    private readonly ActivityLog _log;

    public GoHttp(Uri baseUri, GoHttpSettings settings, ActivityLog log)
    {
        _baseUri = CheckBaseUri(baseUri);
        _settings = settings;
        _log = log;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.Timeout,
        })
        {
            // Each attempt has its own deadline (see Attempt), which also covers reading the body.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The base URI with a trailing slash, or an InvalidArgument failure for one that would send secrets in the clear.</summary>
    public static Uri CheckBaseUri(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new OpenCodeUsageException("GoBaseUriInvalid", FailureKind.InvalidArgument,
                $"'{baseUri}' is not an absolute https URI.", baseUri.OriginalString);
        }

        if (baseUri.Scheme == Uri.UriSchemeHttp && !baseUri.IsLoopback)
        {
            throw new OpenCodeUsageException("GoBaseUriInvalid", FailureKind.InvalidArgument,
                $"'{baseUri}' uses plain http; OpenCode credentials are only sent over https, or over http to a loopback address.",
                baseUri.OriginalString);
        }

        var builder = new UriBuilder(baseUri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    public Uri Resolve(string relative) => new(_baseUri, relative);

    /// <summary>GETs <paramref name="relative"/> (below the base URI) with retries; transport failures and timeouts become GoQuotaUnavailable.</summary>
    public HttpReply Get(string relative, string accept, Action<HttpRequestHeaders> authorize, CancellationToken cancellationToken)
    {
        var uri = Resolve(relative);
        for (var attempt = 1; ; attempt++)
        {
            var reply = Attempt(uri, accept, authorize, attempt, cancellationToken, out var retryAfter);
            if (!IsTransient(reply.Status))
            {
                return reply;
            }

            if (attempt >= _settings.MaxAttempts)
            {
                throw Unavailable(uri, $"answered {(int)reply.Status} {reply.Status} {attempt} times");
            }

            var delay = retryAfter ?? _settings.FirstBackoff * Math.Pow(2, attempt - 1) * (1 + Random.Shared.NextDouble() / 4);
            if (delay > _settings.LongestRetryAfter)
            {
                throw Unavailable(uri, FormattableString.Invariant($"answered {(int)reply.Status} {reply.Status} and asked to retry after {delay.TotalSeconds:0} s"));
            }

            _log.Say(FormattableString.Invariant($"{uri.Host} answered {(int)reply.Status}; retrying in {delay.TotalSeconds:0.0} s."));
            // A kernel wait, not Task.Delay: it needs no thread-pool thread to wake up on time.
            cancellationToken.WaitHandle.WaitOne(delay);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Dispose() => _client.Dispose();

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or TooEarly or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private HttpReply Attempt(Uri uri, string accept, Action<HttpRequestHeaders> authorize, int attempt, CancellationToken cancellationToken, out TimeSpan? retryAfter)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_settings.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.UserAgent.ParseAdd(UserAgent);
        authorize(request.Headers);
        _log.Detail($"GET {uri} (attempt {attempt} of {_settings.MaxAttempts})");
        var started = Environment.TickCount64;
        try
        {
            using var response = _client.Send(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = ReadCapped(response, uri, deadline.Token);
            _log.Detail($"{(int)response.StatusCode} {response.StatusCode}, {body.Length} bytes, in {Environment.TickCount64 - started} ms");
            retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
                _ => null,
            };
            return new HttpReply(response.StatusCode, body, response.Headers.Location is { } location ? new Uri(uri, location) : null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(uri, FormattableString.Invariant($"did not answer within {_settings.Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            throw Unavailable(uri, $"could not be reached ({ex.HttpRequestError}: {ex.Message})", ex);
        }
    }

    /// <summary>The body, read in chunks up to the cap; a larger body fails without reading the rest.</summary>
    private byte[] ReadCapped(HttpResponseMessage response, Uri uri, CancellationToken cancellationToken)
    {
        var cap = _settings.MaxResponseBytes;
        if (response.Content.Headers.ContentLength is { } length && length > cap)
        {
            throw Unavailable(uri, FormattableString.Invariant($"sent a response of {length} bytes, more than the {cap} bytes accepted"));
        }

        using var stream = response.Content.ReadAsStream(cancellationToken);
        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        // ReadAsync for its cancellation token: a server that stalls mid-body must still meet the deadline.
        while ((read = stream.ReadAsync(chunk, cancellationToken).AsTask().GetAwaiter().GetResult()) > 0)
        {
            if (body.Length + read > cap)
            {
                throw Unavailable(uri, FormattableString.Invariant($"sent a response larger than the {cap} bytes accepted"));
            }

            body.Write(chunk, 0, read);
        }

        return body.ToArray();
    }

    private static OpenCodeUsageException Unavailable(Uri uri, string what, Exception? inner = null) =>
        new("GoQuotaUnavailable", FailureKind.Unavailable, $"OpenCode Go usage is unavailable: {uri.GetLeftPart(UriPartial.Path)} {what}.", uri.GetLeftPart(UriPartial.Path), inner);
}
