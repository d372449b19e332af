using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>Knobs of the mock; the defaults behave like mockllm.py.</summary>
/// <param name="ChunkDelay">Pause after each streamed text word (mockllm.py's MOCK_CHUNK_DELAY).</param>
/// <param name="SlowReplyDelay">Pause per word when the prompt contains SLOW_REPLY (OpenAI-style models).</param>
/// <param name="LogFile">Also append mockllm.py-style JSON lines here (credentials left out).</param>
public sealed record MockLlmOptions(TimeSpan ChunkDelay = default, TimeSpan? SlowReplyDelay = null, string? LogFile = null);

/// <summary>
/// A deterministic mock LLM on 127.0.0.1 and a free port: OpenAI-compatible
/// <c>GET /v1/models</c> and <c>POST /v1/chat/completions</c>, and Anthropic-style
/// <c>POST /v1/messages</c>, answering exactly as the fixture's mockllm.py. Every answered
/// request is kept in <see cref="Requests"/> so tests can assert what OpenCode asked for.
/// </summary>
public sealed class MockLlmServer : IAsyncDisposable
{
    /// <summary>The models GET /v1/models lists (the OpenAI-compatible provider's).</summary>
    public static readonly IReadOnlyList<string> ListedModels = ["mock-fast", "mock-smart", "mock-reason"];

    readonly TcpListener _listener;
    readonly MockLlmOptions _options;
    readonly CancellationTokenSource _stop = new();
    readonly ConcurrentDictionary<TcpClient, Task> _connections = new();
    readonly List<MockRequest> _requests = [];
    readonly List<(Func<MockRequest, bool> Match, TaskCompletionSource<MockRequest> Done)> _waiters = [];
    readonly Lock _gate = new();
    readonly Task _acceptLoop;

    MockLlmServer(MockLlmOptions options)
    {
        _options = options;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    /// <summary>Binds and starts serving; ready as soon as this returns.</summary>
    public static MockLlmServer Start(MockLlmOptions? options = null) => new(options ?? new MockLlmOptions());

    public int Port { get; }

    /// <summary>The base URL providers are configured with (…/v1).</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/v1");

    /// <summary>A snapshot of the requests answered so far, oldest first.</summary>
    public IReadOnlyList<MockRequest> Requests
    {
        get { lock (_gate) return [.. _requests]; }
    }

    /// <summary>Completes with the first request (already seen or still to come) that matches.</summary>
    public Task<MockRequest> WaitForRequestAsync(Func<MockRequest, bool> match, CancellationToken ct = default)
    {
        TaskCompletionSource<MockRequest> done;
        lock (_gate)
        {
            var seen = _requests.FirstOrDefault(match);
            if (seen is not null) return Task.FromResult(seen);
            done = new TaskCompletionSource<MockRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
        }
        ct.Register(() => done.TrySetCanceled(ct));
        return done.Task;
    }

    async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            // the connection waits until it is registered, so its own clean-up cannot run first
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[client] = ServeConnectionAsync(client, registered.Task, ct);
            registered.SetResult();
        }
    }

    async Task ServeConnectionAsync(TcpClient client, Task registered, CancellationToken ct)
    {
        await registered; // also lets the accept loop go on while this connection is served
        try
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var reader = new HttpRequestReader(stream);
            while (!ct.IsCancellationRequested)
            {
                var request = await reader.ReadAsync(ct);
                if (request is null || !await RespondAsync(stream, request, ct)) break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException
                                      or ObjectDisposedException or InvalidDataException or FormatException)
        {
            // the client went away (an aborted session cuts its stream) or sent garbage: drop it
        }
        finally
        {
            client.Dispose();
            _connections.TryRemove(client, out _);
        }
    }

    /// <summary>Answers one request; false when the connection must close afterwards.</summary>
    async Task<bool> RespondAsync(Stream stream, HttpRequest request, CancellationToken ct)
    {
        var keepAlive = request.WantsKeepAlive;
        var path = request.Path.TrimEnd('/');
        if (request.Method == "GET")
        {
            if (path is "/v1/models" or "/models")
            {
                var models = new JsonArray(ListedModels.Select(m => (JsonNode)new JsonObject
                {
                    ["id"] = m, ["object"] = "model", ["created"] = 1700000000, ["owned_by"] = "mock",
                }).ToArray());
                await WriteJsonAsync(stream, 200, new JsonObject { ["object"] = "list", ["data"] = models }, keepAlive, ct);
            }
            else if (request.Path is "/" or "/health")
                await WriteJsonAsync(stream, 200, new JsonObject { ["ok"] = true }, keepAlive, ct);
            else
                await WriteErrorAsync(stream, 404, "not found", keepAlive, ct);
            return keepAlive;
        }
        if (request.Method != "POST")
        {
            await WriteErrorAsync(stream, 501, "unsupported method", keepAlive, ct);
            return keepAlive;
        }

        var raw = request.Body.Length > 0 ? request.Body : "{}"u8.ToArray();
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(raw, documentOptions: new JsonDocumentOptions { MaxDepth = 512 }) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            body = null;
        }
        if (body is null)
        {
            await WriteErrorAsync(stream, 400, "bad json", keepAlive, ct);
            return keepAlive;
        }

        if (path.EndsWith("/messages", StringComparison.Ordinal))
            return await AnswerAnthropicAsync(stream, request, body, raw, keepAlive, ct);
        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
            return await AnswerOpenAiAsync(stream, request, body, raw, keepAlive, ct);
        await WriteErrorAsync(stream, 404, "not found: " + request.Path, keepAlive, ct);
        return keepAlive;
    }

    async Task<bool> AnswerOpenAiAsync(Stream stream, HttpRequest request, JsonObject body, byte[] raw, bool keepAlive, CancellationToken ct)
    {
        var reply = MockPlanner.Plan(body);
        var usage = MockUsage.OpenAi(body, reply);
        var model = MockPlanner.ModelOf(body);
        var id = "chatcmpl-" + MockPlanner.Sha1Hex(raw)[..16];
        var streamed = IsTrue(body["stream"]);
        var prompt = Int(usage, "prompt_tokens");
        var cached = Int(usage["prompt_tokens_details"]!.AsObject(), "cached_tokens");
        var reasoning = Int(usage["completion_tokens_details"]!.AsObject(), "reasoning_tokens");
        var tokens = new MockTokens(prompt - cached, Int(usage, "completion_tokens") - reasoning, reasoning, cached, 0);
        Record(new MockRequest(DateTimeOffset.UtcNow, request.Path, "openai", model, streamed, reply.Kind,
            MockPlanner.Messages(body).Count, MockPlanner.ToolNames(body), body["stream_options"]?.ToJsonString(),
            usage.ToJsonString(), tokens, request.Header("authorization"), Encoding.UTF8.GetString(raw)));

        if (!streamed)
        {
            await OpenAiResponder.WriteWholeAsync(stream, id, model, reply, usage, keepAlive, ct);
            return keepAlive;
        }
        await OpenAiResponder.WriteStreamAsync(stream, id, model, reply, usage,
            _options.ChunkDelay, _options.SlowReplyDelay ?? TimeSpan.FromSeconds(1), ct);
        return false; // an event stream ends by closing the connection
    }

    async Task<bool> AnswerAnthropicAsync(Stream stream, HttpRequest request, JsonObject body, byte[] raw, bool keepAlive, CancellationToken ct)
    {
        var shaped = AnthropicShape.ToOpenAiShape(body);
        var reply = MockPlanner.Plan(shaped) with { Reasoning = null };
        var usage = MockUsage.Anthropic(shaped, reply);
        var model = MockPlanner.ModelOf(body);
        var id = "msg_" + MockPlanner.Sha1Hex(raw)[..20];
        var streamed = IsTrue(body["stream"]);
        var tokens = new MockTokens(Int(usage, "input_tokens"), Int(usage, "output_tokens"), 0,
            Int(usage, "cache_read_input_tokens"), Int(usage, "cache_creation_input_tokens"));
        Record(new MockRequest(DateTimeOffset.UtcNow, request.Path, "anthropic", model, streamed, reply.Kind,
            MockPlanner.Messages(shaped).Count, MockPlanner.ToolNames(shaped), null,
            usage.ToJsonString(), tokens, request.Header("x-api-key") ?? request.Header("authorization"),
            Encoding.UTF8.GetString(raw)));

        if (!streamed)
        {
            await AnthropicResponder.WriteWholeAsync(stream, id, model, reply, usage, keepAlive, ct);
            return keepAlive;
        }
        await AnthropicResponder.WriteStreamAsync(stream, id, model, reply, usage, ct);
        return false;
    }

    void Record(MockRequest entry)
    {
        List<TaskCompletionSource<MockRequest>> matched = [];
        lock (_gate)
        {
            _requests.Add(entry);
            if (_options.LogFile is { } log) File.AppendAllText(log, entry.ToLogLine() + "\n");
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Match(entry)) continue;
                matched.Add(_waiters[i].Done);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var done in matched) done.TrySetResult(entry);
    }

    static bool IsTrue(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    static int Int(JsonObject obj, string name) => obj[name]!.GetValue<int>();

    static Task WriteJsonAsync(Stream stream, int status, JsonObject body, bool keepAlive, CancellationToken ct) =>
        HttpResponseWriter.WriteAsync(stream, status, "application/json", Encoding.UTF8.GetBytes(PythonJson.Dumps(body)), keepAlive, ct);

    static Task WriteErrorAsync(Stream stream, int status, string message, bool keepAlive, CancellationToken ct) =>
        WriteJsonAsync(stream, status, new JsonObject { ["error"] = new JsonObject { ["message"] = message } }, keepAlive, ct);

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener.Stop();
        foreach (var client in _connections.Keys) client.Dispose();
        try
        {
            await Task.WhenAll([_acceptLoop, .. _connections.Values]).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or SocketException)
        {
            // stopping anyway: connections that do not notice the close are abandoned
        }
        lock (_gate)
        {
            foreach (var (_, done) in _waiters) done.TrySetCanceled();
            _waiters.Clear();
        }
        _stop.Dispose();
    }
}
