using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeFixture.Scenario;

/// <summary>The few calls of OpenCode's HTTP API the scenario makes, as make-real-db.sh does with curl.</summary>
public static class ServeApi
{
    /// <summary>A response body and the "id" it holds, if any. Non-2xx answers are returned too.</summary>
    public sealed record Reply(int Status, string Body)
    {
        public string? Id
        {
            get
            {
                try
                {
                    return JsonNode.Parse(Body) is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }
    }

    /// <summary>POST /session: a new session in the server's project.</summary>
    public static Task<Reply> CreateSessionAsync(OpenCodeServer server, HttpClient client, CancellationToken ct) =>
        PostAsync(client, $"session?{server.DirectoryQuery}", "{}", ct);

    /// <summary>POST /session/:id/fork: a copy of the session's history under a new session.</summary>
    public static Task<Reply> ForkAsync(OpenCodeServer server, HttpClient client, string sessionId, CancellationToken ct) =>
        PostAsync(client, $"session/{sessionId}/fork?{server.DirectoryQuery}", "{}", ct);

    /// <summary>POST /session/:id/message: sends a prompt and blocks until the answer is complete.</summary>
    public static Task<Reply> PromptAsync(OpenCodeServer server, HttpClient client, string sessionId, string model, string text, CancellationToken ct)
    {
        var slash = model.IndexOf('/');
        var body = new JsonObject
        {
            ["model"] = new JsonObject { ["providerID"] = model[..slash], ["modelID"] = model[(slash + 1)..] },
            ["parts"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        };
        return PostAsync(client, $"session/{sessionId}/message?{server.DirectoryQuery}", body.ToJsonString(), ct);
    }

    /// <summary>GET of any API path (e.g. "session/status"), with the server's directory query added.</summary>
    public static async Task<Reply> GetAsync(OpenCodeServer server, HttpClient client, string path, CancellationToken ct)
    {
        using var response = await client.GetAsync($"{path}?{server.DirectoryQuery}", ct);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    static async Task<Reply> PostAsync(HttpClient client, string path, string json, CancellationToken ct)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(path, content, ct);
        return new Reply((int)response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }
}
