using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Follows a running <c>opencode serve</c> through its event stream, with Basic auth, reconnecting with exponential
/// backoff: 1.x <c>GET /global/event</c> (else <c>/event</c>), read by <see cref="ServerEventMapper"/>; a server with
/// neither that answers as 2.x (<see cref="ServerClient.IdentifyAsync"/>) <c>GET /api/event</c>, read by
/// <see cref="V2EventMapper"/>. It sees what the database cannot: a session waiting for a permission or a question,
/// and OpenCode's own busy, idle and retry states. The password is only ever put in the Authorization header.
/// </summary>
internal sealed class ServerActivitySource : IDisposable
{
    /// <summary>OpenCode sends a heartbeat every few seconds: a stream silent this long is dead, and is reopened.</summary>
    internal static TimeSpan SilenceLimit { get; set; } = TimeSpan.FromSeconds(45);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private readonly ServerClient _client;
    private readonly ActivityOptions _options;
    private readonly ActivityDeriver _deriver;
    private readonly HashSet<string> _looked = new(StringComparer.Ordinal);
    private readonly V2EventMapper _v2 = new();
    private ServerGeneration _generation = ServerGeneration.V1;

    /// <summary>The address rules and credentials are those of every server command (<see cref="ServerClient"/>).</summary>
    public ServerActivitySource(Uri server, ActivityOptions options, Func<string, string?> environment)
    {
        _client = new ServerClient(server, options.Credential?.UserName, options.Credential?.Password, environment);
        _options = options;
        _deriver = new ActivityDeriver(options.Filter, new IdleTracker(Timeout.InfiniteTimeSpan), null, _client.BaseUri.GetLeftPart(UriPartial.Authority));
    }

    /// <summary>Lines of the event stream cut at the cap so far (a line that never ends costs a bounded buffer).</summary>
    internal int LinesCut { get; private set; }

    /// <summary>The server's address without credentials: what messages may show.</summary>
    public string Display => _client.Display;

    public async Task RunAsync(ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
    {
        var path = "global/event";
        var delay = FirstDelay;
        string? lastProblem = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string problem;
            try
            {
                using var response = await _client.OpenStreamAsync(path, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.NotFound && path == "global/event")
                {
                    path = "event"; // an older server: one project's stream only
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotFound && path == "event"
                    && (await _client.IdentifyAsync(cancellationToken).ConfigureAwait(false)).Generation == ServerGeneration.V2)
                {
                    // 2.x renamed every event and moved the stream to /api/event: its own mapper reads it.
                    path = "api/event";
                    _generation = ServerGeneration.V2;
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
                    if (await ReadStreamAsync(stream, writer, cancellationToken).ConfigureAwait(false))
                    {
                        delay = FirstDelay;
                        lastProblem = null;
                    }

                    problem = $"the event stream of '{Display}' ended";
                }
            }
            catch (ServerException ex) when (ex.ErrorId == ServerErrors.AuthenticationFailed)
            {
                throw ex.ToUsageException(Display);
            }
            catch (Exception ex) when (ex is ServerException or HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
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

    public void Dispose() => _client.Dispose();

    /// <summary>Reads events until the stream ends or falls silent; true when it delivered any.</summary>
    private async Task<bool> ReadStreamAsync(Stream stream, ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A line longer than any event the parser accepts is cut, so the parser still sees it as too long.
        var lines = new BoundedLineReader(reader, SseParser.MaxEventChars + 16);
        var parser = new SseParser();
        var any = false;
        var cutBefore = LinesCut;
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

            LinesCut = cutBefore + lines.LinesCut;
            if (line is null)
            {
                return any;
            }

            if (parser.Line(line) is not { } data)
            {
                continue;
            }

            foreach (var mapped in Map(data))
            {
                any = true;
                foreach (var e in await HandleAsync(mapped, lookUp: true, cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteAsync(WatchItem.Of(e), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>One event's data, read by the mapper of the server's generation.</summary>
    internal IReadOnlyList<ServerEventMapper.Mapped> Map(string data) =>
        _generation == ServerGeneration.V2 ? _v2.Map(data) : ServerEventMapper.Map(data) is { } mapped ? [mapped] : [];

    /// <summary>Reads the stream as a 2.x server's (tests that feed events by hand).</summary>
    internal void AssumeV2() => _generation = ServerGeneration.V2;

    internal async Task<List<ActivityEvent>> HandleAsync(ServerEventMapper.Mapped mapped, bool lookUp, CancellationToken cancellationToken)
    {
        var now = mapped.At is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : _options.Clock.GetUtcNow();
        var sessions = mapped.Batch is { } b
            ? b.Messages.Select(m => m.SessionId).Concat(b.Parts.Select(p => p.SessionId)).Concat(b.Steps.Select(r => r.SessionId)).ToList()
            : mapped.Signal is { } s ? [s.SessionId] : [];
        foreach (var session in sessions.Distinct())
        {
            if (lookUp && !_deriver.KnowsSession(session) && _looked.Add(session))
            {
                await LookUpAsync(session, mapped.Directory, cancellationToken).ConfigureAwait(false);
            }
        }

        if (mapped.Batch is { } batch)
        {
            return _deriver.Apply(batch, now);
        }

        return mapped.Signal is { } signal ? _deriver.Signal(signal.Kind, signal.SessionId, now, signal.Detail, signal.Error, mapped.Failure) : [];
    }

    /// <summary>A session that was running before the watch connected: its title, project and totals, best effort.</summary>
    private async Task LookUpAsync(string sessionId, string? directory, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var v2 = _generation == ServerGeneration.V2;
            var reply = v2
                ? await _client.SendAsync(HttpMethod.Get, "api/session/" + Uri.EscapeDataString(sessionId), null, null, timeout.Token).ConfigureAwait(false)
                : await _client.SendAsync(HttpMethod.Get, "session/" + Uri.EscapeDataString(sessionId),
                    directory is { Length: > 0 } && directory != "global" ? directory : null, null, timeout.Token).ConfigureAwait(false);
            var info = v2 ? reply.Body?["data"] : reply.Body;
            if (reply.Ok && info is not null
                && (v2 ? V2EventMapper.SessionOf(JsonSerializer.SerializeToElement(info)) : ServerEventMapper.SessionOf(JsonSerializer.SerializeToElement(info))) is { } row)
            {
                var batch = new ChangeBatch();
                batch.UpdatedSessions.Add(row);
                _deriver.Apply(batch, _options.Clock.GetUtcNow());
            }
        }
        catch (Exception ex) when (ex is ServerException or JsonException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Events still come, without a title.
        }
    }
}
