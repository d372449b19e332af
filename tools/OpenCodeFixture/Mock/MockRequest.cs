using System.Text.Json.Nodes;

namespace OpenCodeFixture.Mock;

/// <summary>Token counts of one mock answer, split the way OpenCode 1.14+ stores them in a message.</summary>
/// <remarks>
/// OpenCode stores input = prompt − cache read − cache write and output = completion − reasoning.
/// Versions before 1.14 stored output with reasoning included.
/// </remarks>
public sealed record MockTokens(int Input, int Output, int Reasoning, int CacheRead, int CacheWrite);

/// <summary>One request the mock answered (what mockllm.py writes to its log, kept in memory).</summary>
/// <param name="Api">"openai" for /chat/completions, "anthropic" for /messages.</param>
/// <param name="Tools">Names of the tools the client offered.</param>
/// <param name="Usage">The usage object sent back, as JSON text in the API's own shape.</param>
/// <param name="Authorization">The credential header the client sent (Authorization or x-api-key).
/// The mock's keys are fakes; never print it anyway.</param>
/// <param name="Body">The raw request body.</param>
public sealed record MockRequest(
    DateTimeOffset Time,
    string Path,
    string Api,
    string Model,
    bool Stream,
    MockReplyKind Kind,
    int MessageCount,
    IReadOnlyList<string?> Tools,
    string? StreamOptions,
    string Usage,
    MockTokens Tokens,
    string? Authorization,
    string Body)
{
    /// <summary>OpenCode's session-title request: never stored as a message.</summary>
    public bool IsTitleRequest => Kind == MockReplyKind.Title;

    /// <summary>The log line mockllm.py would write, minus the credential.</summary>
    public string ToLogLine() => PythonJson.Dumps(new JsonObject
    {
        ["t"] = Time.ToUnixTimeMilliseconds() / 1000.0,
        ["path"] = Path,
        ["api"] = Api,
        ["model"] = Model,
        ["stream"] = Stream,
        ["kind"] = new MockReply(Kind, null, null, null, false).KindName,
        ["n_messages"] = MessageCount,
        ["tools"] = new JsonArray(Tools.Select(t => (JsonNode?)t).ToArray()),
        ["stream_options"] = StreamOptions is null ? null : JsonNode.Parse(StreamOptions),
        ["usage"] = JsonNode.Parse(Usage),
        ["auth_present"] = Authorization is not null,
    });
}
