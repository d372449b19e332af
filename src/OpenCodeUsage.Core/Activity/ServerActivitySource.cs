using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Follows a running <c>opencode serve</c> through its event stream (<c>GET /global/event</c>, else
/// <c>/event</c>), with Basic auth, reconnecting with exponential backoff. It sees what the database cannot:
/// a session waiting for a permission or a question, and OpenCode's own busy, idle and retry states.
/// The password is only ever put in the Authorization header.
/// </summary>
internal sealed class ServerActivitySource
{
    public const string DefaultUserName = "opencode";

    /// <summary>OpenCode sends a heartbeat every few seconds: a stream silent this long is dead, and is reopened.</summary>
    internal static TimeSpan SilenceLimit { get; set; } = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private readonly Uri _server;
    private readonly ActivityOptions _options;
    private readonly ActivityDeriver _deriver;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly HashSet<string> _looked = new(StringComparer.Ordinal);

    public ServerActivitySource(Uri server, ActivityOptions options)
    {
        var builder = new UriBuilder(server) { UserName = string.Empty, Password = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        _server = builder.Uri;
        _options = options;
        _deriver = new ActivityDeriver(options.Filter, new IdleTracker(Timeout.InfiniteTimeSpan), null, _server.GetLeftPart(UriPartial.Authority));
        var user = options.Credential?.UserName is { Length: > 0 } u ? u : Uri.UnescapeDataString(server.UserInfo.Split(':')[0]) is { Length: > 0 } fromUri ? fromUri : DefaultUserName;
        var password = options.Credential?.Password is { Length: > 0 } pw ? pw
            : server.UserInfo.Contains(':') ? Uri.UnescapeDataString(server.UserInfo[(server.UserInfo.IndexOf(':') + 1)..]) : null;
        if (password is not null)
        {
            // The same rule as Invoke-OpenCodeDelegate -Server: Basic auth is plain text on the wire.
            if (server.Scheme == Uri.UriSchemeHttp && !server.IsLoopback)
            {
                throw new OpenCodeUsageException("ServerUriInsecure", FailureKind.InvalidArgument,
                    $"'{Display}' uses plain http to another machine; the server password is only sent over https or to a loopback address.",
                    Display);
            }

            _authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }
    }

    /// <summary>The server's address without credentials: what messages may show.</summary>
    public string Display => _server.GetLeftPart(UriPartial.Path);

    public async Task RunAsync(ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var path = "global/event";
        var delay = FirstDelay;
        string? lastProblem = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string problem;
            try
            {
                using var request = Request(path);
                request.Headers.Accept.ParseAdd("text/event-stream");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    throw new OpenCodeUsageException("ServerAuthenticationFailed", FailureKind.AuthenticationFailed,
                        $"The OpenCode server at '{Display}' refused the credential ({(int)response.StatusCode}). " +
                        "Pass -Credential with the server's OPENCODE_SERVER_PASSWORD (user 'opencode' unless OPENCODE_SERVER_USERNAME says otherwise).",
                        Display);
                }

                if (response.StatusCode == HttpStatusCode.NotFound && path == "global/event")
                {
                    path = "event"; // an older server: one project's stream only
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    problem = $"the OpenCode server at '{Display}' answered {(int)response.StatusCode} {response.ReasonPhrase}";
                }
                else
                {
                    await writer.WriteAsync(WatchItem.Say($"Connected to {Display}{path}."), cancellationToken).ConfigureAwait(false);
                    await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    if (await ReadStreamAsync(stream, http, writer, cancellationToken).ConfigureAwait(false))
                    {
                        delay = FirstDelay;
                        lastProblem = null;
                    }

                    problem = $"the event stream of '{Display}' ended";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                problem = $"cannot reach the OpenCode server at '{Display}': {ex.Message}";
            }

            // One warning per outage, not one per attempt.
            if (problem != lastProblem)
            {
                lastProblem = problem;
                await writer.WriteAsync(WatchItem.Warn($"{char.ToUpperInvariant(problem[0])}{problem[1..]}; reconnecting (next try in {delay.TotalSeconds:0.#} s)."), cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(delay, _options.Clock, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Reads events until the stream ends or falls silent; true when it delivered any.</summary>
    private async Task<bool> ReadStreamAsync(Stream stream, HttpClient http, ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A line longer than any event the parser accepts is cut, so the parser still sees it as too long.
        var lines = new OpenCodeUsage.Server.BoundedLineReader(reader, SseParser.MaxEventChars + 16);
        var parser = new SseParser();
        var any = false;
        while (true)
        {
            using var silence = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            silence.CancelAfter(SilenceLimit);
            string? line;
            try
            {
                line = await lines.ReadLineAsync(silence.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return any; // silent too long: reconnect
            }

            if (line is null)
            {
                return any;
            }

            if (parser.Line(line) is not { } data || ServerEventMapper.Map(data) is not { } mapped)
            {
                continue;
            }

            any = true;
            foreach (var e in await HandleAsync(mapped, http, cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(WatchItem.Of(e), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal async Task<List<ActivityEvent>> HandleAsync(ServerEventMapper.Mapped mapped, HttpClient? http, CancellationToken cancellationToken)
    {
        var now = _options.Clock.GetUtcNow();
        var sessions = mapped.Batch is { } b
            ? b.Messages.Select(m => m.SessionId).Concat(b.Parts.Select(p => p.SessionId)).ToList()
            : mapped.Signal is { } s ? [s.SessionId] : [];
        foreach (var session in sessions.Distinct())
        {
            if (http is not null && !_deriver.KnowsSession(session) && _looked.Add(session))
            {
                await LookUpAsync(http, session, mapped.Directory, cancellationToken).ConfigureAwait(false);
            }
        }

        if (mapped.Batch is { } batch)
        {
            return _deriver.Apply(batch, now);
        }

        return mapped.Signal is { } signal ? _deriver.Signal(signal.Kind, signal.SessionId, now, signal.Detail, signal.Error) : [];
    }

    /// <summary>A session that was running before the watch connected: its title, project and totals, best effort.</summary>
    private async Task LookUpAsync(HttpClient http, string sessionId, string? directory, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var query = directory is { Length: > 0 } && directory != "global" ? "?directory=" + Uri.EscapeDataString(directory) : string.Empty;
            using var request = Request("session/" + Uri.EscapeDataString(sessionId) + query);
            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return;
            }

            using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false));
            if (ServerEventMapper.SessionOf(doc.RootElement) is { } row)
            {
                var batch = new ChangeBatch();
                batch.UpdatedSessions.Add(row);
                _deriver.Apply(batch, _options.Clock.GetUtcNow());
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Events still come, without a title.
        }
    }

    private HttpRequestMessage Request(string relative)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_server, relative));
        request.Headers.Authorization = _authorization;
        return request;
    }
}
