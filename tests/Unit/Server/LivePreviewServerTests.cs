using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Server;

/// <summary>
/// The real OpenCode 2.0 preview's server (lildax serve, with the fixture's mock LLM): told 2.x from what it answers,
/// its pending lists read through the /api routes, and a streaming session Busy then Idle by /api/session/active.
/// Skipped unless tools/install-lildax.sh has unpacked the binary into .tools/lildax.
/// </summary>
public sealed class LivePreviewServerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-lildax-serve-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task The_real_preview_is_told_2x_lists_its_pending_requests_and_reports_a_streaming_session_busy()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var preview = await LivePreview.StartAsync(_dir, "serve-preview.out", timeout.Token);
        var (sandbox, server, password) = (preview.Sandbox, preview.Server, preview.Password);

        using var client = new ServerClient(server.BaseUri, null, password, _ => null);
        Assert.Equal(ServerGeneration.V2, (await client.IdentifyAsync(timeout.Token)).Generation);
        using var pending = new PendingRequests(server.BaseUri, null, password, _ => null);
        Assert.Empty(await pending.PermissionsAsync(sandbox.ProjectDirectory("alpha"), timeout.Token));
        Assert.Empty(await pending.QuestionsAsync(null, timeout.Token));

        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + password)));
        var created = JsonNode.Parse(await Post(http, "api/session", new JsonObject
        {
            ["model"] = new JsonObject { ["id"] = "mock-fast", ["providerID"] = "mock" },
            ["location"] = new JsonObject { ["directory"] = sandbox.ProjectDirectory("alpha") },
        }, timeout.Token))!;
        var id = (string)created["data"]!["id"]!;
        await Post(http, $"api/session/{id}/prompt", new JsonObject { ["prompt"] = new JsonObject { ["text"] = "SLOW_REPLY status please" } }, timeout.Token);

        var session = new Session { Id = id, Directory = sandbox.ProjectDirectory("alpha") };
        await ServerSessionStatus.ApplyAsync([session], server.BaseUri, null, password, _ => null, null, TimeProvider.System, timeout.Token);
        Assert.Equal(SessionStatus.Busy, session.Status);
        while (session.Status == SessionStatus.Busy)
        {
            await Task.Delay(300, timeout.Token);
            await ServerSessionStatus.ApplyAsync([session], server.BaseUri, null, password, _ => null, null, TimeProvider.System, timeout.Token);
        }

        Assert.Equal(SessionStatus.Idle, session.Status);
    }

    [SkippableFact]
    public async Task The_real_preview_s_event_stream_is_watched_as_a_1x_server_s_is()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var preview = await LivePreview.StartAsync(_dir, "serve-preview-watch.out", timeout.Token);
        var (sandbox, server, password) = (preview.Sandbox, preview.Server, preview.Password);

        using var feed = OpenCodeUsage.Activity.ActivityFeed.Start(new OpenCodeUsage.Activity.ActivityOptions
        {
            Server = server.BaseUri,
            Credential = new System.Net.NetworkCredential("opencode", password),
        }, _ => null);
        var events = new List<ActivityEvent>();
        var said = new List<string>();
        async Task<ActivityEvent> Next(Func<ActivityEvent, bool> match)
        {
            while (await feed.ReadAsync(timeout.Token) is { } item)
            {
                Assert.Null(item.Failure);
                if ((item.Verbose ?? item.Warning) is { } text)
                {
                    said.Add(text);
                }

                if (item.Event is { } e)
                {
                    events.Add(e);
                    if (match(e))
                    {
                        return e;
                    }
                }
            }

            throw new InvalidOperationException("the watch ended");
        }

        using var http = new HttpClient { BaseAddress = server.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:" + password)));
        // Connected first: what is published before the stream is open is not replayed.
        while (!said.Any(t => t.Contains("api/event", StringComparison.Ordinal)))
        {
            var item = await feed.ReadAsync(timeout.Token);
            if ((item?.Verbose ?? item?.Warning) is { } text)
            {
                said.Add(text);
            }
        }

        var created = JsonNode.Parse(await Post(http, "api/session", new JsonObject
        {
            ["model"] = new JsonObject { ["id"] = "mock-fast", ["providerID"] = "mock" },
            ["location"] = new JsonObject { ["directory"] = sandbox.ProjectDirectory("alpha") },
        }, timeout.Token))!;
        var id = (string)created["data"]!["id"]!;
        await Post(http, $"api/session/{id}/prompt", new JsonObject { ["prompt"] = new JsonObject { ["text"] = "say hello in 3 words" } }, timeout.Token);

        var step = await Next(e => e.Kind == ActivityKind.StepFinished && e.SessionId == id);
        await Next(e => e.Kind is ActivityKind.MessageCompleted && e.SessionId == id);
        Assert.Contains(events, e => e.Kind == ActivityKind.SessionCreated && e.SessionId == id);
        Assert.Contains(events, e => e.Kind == ActivityKind.MessageStarted && e.SessionId == id);
        Assert.True(step.InputTokens > 0 && step.OutputTokens > 0, $"{step.InputTokens} {step.OutputTokens}");
        Assert.Equal("mock/mock-fast", step.Model);
        Assert.DoesNotContain(said, t => t.Contains(password, StringComparison.Ordinal));
    }

    private static async Task<string> Post(HttpClient http, string path, JsonObject body, CancellationToken ct)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(path, content, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return text;
    }
}
