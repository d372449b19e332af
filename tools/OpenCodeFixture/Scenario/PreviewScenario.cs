using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// Real data of the real OpenCode 2.0 preview (`lildax`, npm @opencode-ai/cli-linux-x64@1.18.18): it has `serve` but no
/// `run`, so the scenario drives its /api routes. Sessions over both projects and every mock model; a model switch and
/// a second turn; Anthropic cache reads; a revert (stage + commit); a step interrupted mid-stream; and, last, a step
/// left streaming when the server is stopped. The preview stores cost 0 and never fills the session totals.
/// </summary>
public static class PreviewScenario
{
    static readonly TimeSpan TurnTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs the scenario in <paramref name="sandbox"/> (made with the preview as its binary).</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(OpenCodeSandbox sandbox, Action<string> log, CancellationToken ct)
    {
        var alpha = sandbox.ProjectDirectory("alpha");
        var beta = sandbox.ProjectDirectory("beta");
        var server = await sandbox.StartServeAsync("alpha", "serve-preview.out", ct);
        using var client = Client(server, sandbox);
        var api = new Api(client, sandbox.RunsDirectory);
        var sessions = new List<string>();

        var s1 = await api.CreateAsync("p01", FixtureConfig.FastModel, alpha, ct);
        await api.TurnAsync("p01", s1, "fixture session 1 please say hi", ct);
        await api.PostAsync("p01-model", $"api/session/{s1}/model", new JsonObject { ["model"] = Ref(FixtureConfig.ReasonModel) }, ct);
        await api.TurnAsync("p01-turn2", s1, "second turn please continue", ct);
        sessions.Add(s1);
        log($"  p01 {s1}: two turns, mock-fast then mock-reason");

        var s2 = await api.CreateAsync("p02", FixtureConfig.AnthropicModel, beta, ct);
        await api.TurnAsync("p02", s2, "fixture session 2 please say hi", ct);
        await api.TurnAsync("p02-turn2", s2, "second turn please continue", ct);
        sessions.Add(s2);
        log($"  p02 {s2}: two turns, claude-mock-sonnet (cache write, then read)");

        var s3 = await api.CreateAsync("p03", FixtureConfig.SmartModel, alpha, ct);
        await api.TurnAsync("p03", s3, "fixture session 3 please say hi", ct);
        var undone = await api.TurnAsync("p03-turn2", s3, "a turn to revert please", ct);
        await api.PostAsync("p03-stage", $"api/session/{s3}/revert/stage", new JsonObject { ["messageID"] = undone }, ct);
        await api.PostAsync("p03-commit", $"api/session/{s3}/revert/commit", null, ct);
        sessions.Add(s3);
        log($"  p03 {s3}: second turn reverted (stage + commit of {undone})");

        var s4 = await api.CreateAsync("p04", FixtureConfig.SmartModel, beta, ct);
        await api.PostAsync("p04-prompt", $"api/session/{s4}/prompt", Prompt("SLOW_REPLY please take your time"), ct);
        await api.WaitForAssistantAsync(s4, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        await api.PostAsync("p04-interrupt", $"api/session/{s4}/interrupt", null, ct);
        await api.WaitIdleAsync(s4, ct);
        sessions.Add(s4);
        log($"  p04 {s4}: step interrupted mid-stream");

        var s5 = await api.CreateAsync("p05", FixtureConfig.ReasonModel, alpha, ct);
        await api.TurnAsync("p05", s5, "fixture session 5 please say hi", ct);
        await api.PostAsync("p05-prompt", $"api/session/{s5}/prompt", Prompt("SLOW_REPLY still streaming when the server stops"), ct);
        await api.WaitForAssistantAsync(s5, ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        sessions.Add(s5);
        await server.DisposeAsync(); // killed mid-step: its last row stays as it was streaming
        log($"  p05 {s5}: one turn, then a step left streaming (server stopped)");
        return sessions;
    }

    /// <summary>The preview ignores OPENCODE_SERVER_PASSWORD and writes its own to $XDG_STATE_HOME/opencode/password.</summary>
    static HttpClient Client(OpenCodeServer server, OpenCodeSandbox sandbox)
    {
        var state = sandbox.Environment.TryGetValue("XDG_STATE_HOME", out var s) && s is not null ? s : Path.Combine(sandbox.HomeDirectory, ".local", "state");
        var password = File.ReadAllText(Path.Combine(state, "opencode", "password")).Trim();
        var client = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.Username}:{password}")));
        return client;
    }

    static JsonObject Ref(string model)
    {
        var slash = model.IndexOf('/');
        return new JsonObject { ["id"] = model[(slash + 1)..], ["providerID"] = model[..slash] };
    }

    static JsonObject Prompt(string text) => new() { ["prompt"] = new JsonObject { ["text"] = text } };

    /// <summary>The preview's /api routes the scenario calls; every reply is kept under runs/ as &lt;label&gt;.json.</summary>
    sealed class Api(HttpClient client, string runs)
    {
        public async Task<string> CreateAsync(string label, string model, string directory, CancellationToken ct)
        {
            var reply = await PostAsync(label + "-create", "api/session",
                new JsonObject { ["model"] = Ref(model), ["location"] = new JsonObject { ["directory"] = directory } }, ct);
            return (string?)reply["data"]?["id"] ?? throw new InvalidOperationException("no session id in " + reply.ToJsonString());
        }

        /// <summary>One prompt, waited for until the session is idle again; returns the user message id.</summary>
        public async Task<string> TurnAsync(string label, string session, string text, CancellationToken ct)
        {
            var reply = await PostAsync(label + "-prompt", $"api/session/{session}/prompt", Prompt(text), ct);
            await WaitIdleAsync(session, ct);
            return (string?)reply["data"]?["id"] ?? throw new InvalidOperationException("no message id in " + reply.ToJsonString());
        }

        /// <summary>Polls /api/session/active (the preview has no /wait yet) until the session is not in it.</summary>
        public async Task WaitIdleAsync(string session, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + TurnTimeout;
            await Task.Delay(300, ct);
            while ((await GetAsync("api/session/active", ct))["data"]?[session] is not null)
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"session {session} still active after {TurnTimeout}");
                await Task.Delay(200, ct);
            }
        }

        public async Task WaitForAssistantAsync(string session, CancellationToken ct)
        {
            var deadline = DateTime.UtcNow + TurnTimeout;
            while (true)
            {
                var last = (await GetAsync($"api/session/{session}/message?order=desc&limit=1", ct))["data"]?.AsArray().FirstOrDefault();
                if ((string?)last?["type"] == "assistant") return;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"no assistant message in {session} after {TurnTimeout}");
                await Task.Delay(200, ct);
            }
        }

        public async Task<JsonNode> PostAsync(string label, string path, JsonObject? body, CancellationToken ct)
        {
            using var content = new StringContent(body?.ToJsonString() ?? "", Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await client.PostAsync(path, body is null ? null : content, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            await File.WriteAllTextAsync(Path.Combine(runs, label + ".json"), text, CancellationToken.None);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST {path}: {(int)response.StatusCode} {text}");
            return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
        }

        async Task<JsonNode> GetAsync(string path, CancellationToken ct)
        {
            using var response = await client.GetAsync(path, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text) ?? new JsonObject();
        }
    }
}
