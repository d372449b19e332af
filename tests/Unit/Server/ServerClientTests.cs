using System.Text;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Server;

/// <summary>The one client of opencode serve: bounded replies, the generation told from the server, one set of address rules.</summary>
[Collection(OpenCodeUsage.Tests.Server.MemoryCollection.Name)]
public sealed class ServerClientTests
{
    private static Func<string, string?> NoEnvironment => _ => null;

    private static DelegateEnvironment NoServerVariables => new(new Dictionary<string, string?> { ["OPENCODE_SERVER_PASSWORD"] = null, ["OPENCODE_SERVER_USERNAME"] = null });

    [Fact]
    public async Task A_reply_body_past_the_bound_is_refused_and_never_held_whole()
    {
        // 512 MiB of JSON-looking reply, made as it is sent: reading it whole (as -Server did) costs over 1 GiB.
        using var server = new LoopbackServer(_ => new LoopbackResponse { Body = "["u8.ToArray(), Chunked = true, Filler = 512L << 20 });
        using var client = new ServerClient(server.BaseUri, null, null, NoEnvironment) { MaxReplyBytes = 4L << 20 };
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<ServerException>(() => client.SendAsync(HttpMethod.Get, "session", "/tmp", null, CancellationToken.None));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("ServerReplyTooLarge", error.ErrorId);
        Assert.Equal(DelegateFailureKind.OutputTooLarge, error.Kind);
        Assert.InRange(allocated, 0, 32L << 20);
    }

    [Fact]
    public async Task A_delegated_run_whose_server_sends_an_endless_reply_fails_with_OutputTooLarge()
    {
        using var server = new LoopbackServer(_ => new LoopbackResponse { Body = "{\"id\":\"ses_x\","u8.ToArray(), Chunked = true, Filler = 256L << 20 });
        var state = Directory.CreateTempSubdirectory("ocu-serve-").FullName;
        using var remote = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri },
            new DelegateOptions { Environment = NoServerVariables, StateFile = Path.Combine(state, "warm.json") });
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await remote.RunAsync(new DelegateTask { Directory = state, Prompt = "hello", Fresh = true }, CancellationToken.None);
        Directory.Delete(state, recursive: true);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.OutputTooLarge), (result.Status, result.FailureKind));
        Assert.InRange(allocated, 0, (ServerClient.DefaultMaxReplyBytes * 3) + (32L << 20)); // the bound, not 256 MiB read whole
    }

    [Theory]
    [InlineData("""{"healthy":true,"version":"1.18.33"}""", 404, ServerGeneration.V1, "1.18.33")]
    [InlineData(null, 200, ServerGeneration.V2, null)]
    public async Task The_generation_is_told_from_what_the_server_answers(string? globalHealth, int apiStatus, ServerGeneration generation, string? version)
    {
        using var server = new LoopbackServer(r => r.Path switch
        {
            "/global/health" when globalHealth is not null => LoopbackResponse.Json(200, globalHealth),
            "/api/health" => LoopbackResponse.Json(apiStatus, """{"healthy":true}"""),
            _ => LoopbackResponse.Json(404, string.Empty),
        });
        using var client = new ServerClient(server.BaseUri, null, null, NoEnvironment);
        Assert.Equal(new ServerIdentity(generation, version), await client.IdentifyAsync(CancellationToken.None));
        Assert.Equal(new ServerIdentity(generation, version), await client.IdentifyAsync(CancellationToken.None));
        Assert.Equal(generation == ServerGeneration.V1 ? 1 : 2, server.Requests.Count); // asked once
    }

    [Fact]
    public async Task Something_that_is_not_OpenCode_is_said_so()
    {
        using var server = new LoopbackServer(_ => LoopbackResponse.Html(200, "<html>a proxy</html>"));
        using var client = new ServerClient(server.BaseUri, null, null, NoEnvironment);
        Assert.Equal("ServerNotOpenCode", (await Assert.ThrowsAsync<ServerException>(() => client.IdentifyAsync(CancellationToken.None))).ErrorId);
    }

    [Theory]
    [InlineData("ftp://example.invalid/", null, "ServerUriInvalid")]
    [InlineData("http://opencode:hunter2-secret@127.0.0.1:4096/", null, "ServerUriInvalid")]
    [InlineData("http://example.invalid:4096/", "hunter2-secret", "ServerUriInsecure")]
    [InlineData("http://127.0.0.1:4096/", "hunter2-secret", null)]
    [InlineData("https://example.invalid/", "hunter2-secret", null)]
    public void Watch_and_delegate_keep_the_same_address_rules(string address, string? password, string? errorId)
    {
        var uri = new Uri(address);
        var credential = password is null ? null : new System.Net.NetworkCredential("opencode", password);
        var watch = Record.Exception(() => new ServerActivitySource(uri, new ActivityOptions { Credential = credential }, NoEnvironment).Dispose());
        var delegated = Record.Exception(() => new ServerDelegate(new ServerOptions { BaseUri = uri, Password = password },
            new DelegateOptions { Environment = NoServerVariables, StateFile = "/nonexistent/warm.json" }).Dispose());
        Assert.Equal(errorId, (watch as OpenCodeUsageException)?.ErrorId);
        Assert.Equal(errorId, (delegated as OpenCodeUsageException)?.ErrorId);
        Assert.DoesNotContain("hunter2-secret", (watch?.Message ?? string.Empty) + (delegated?.Message ?? string.Empty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_watch_takes_the_password_from_OPENCODE_SERVER_PASSWORD_as_delegation_does()
    {
        using var server = new LoopbackServer(_ => LoopbackResponse.Json(200, "{}"));
        using var client = new ServerClient(server.BaseUri, null, null, name => name == "OPENCODE_SERVER_PASSWORD" ? "from-env" : null);
        await client.SendAsync(HttpMethod.Get, "session/status", null, null, CancellationToken.None);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("opencode:from-env")), server.Requests[0].Header("Authorization"));
    }
}
