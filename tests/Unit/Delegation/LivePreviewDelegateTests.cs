using OpenCodeFixture.Scenario;
using OpenCodeUsage.Delegation;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// -Server against the real OpenCode 2.0 preview (lildax serve) with the fixture's mock LLM: told 2.x, a task runs through
/// POST /api/session, /prompt and /api/session/active, and its answer and tokens are read from the SessionMessage rows.
/// The preview has no fork route (SDK 1.19.3 has none either), so every task gets a new session; it answers POST /wait with
/// 503, which is why the delegate polls /api/session/active. A timeout interrupts the session (POST /api/session/:id/interrupt).
/// Skipped unless tools/install-lildax.sh has unpacked the binary into .tools/lildax.
/// </summary>
public sealed class LivePreviewDelegateTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-lildax-delegate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task The_real_preview_runs_a_task_in_a_new_session_and_a_timeout_interrupts_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var preview = await LivePreview.StartAsync(_dir, "serve-preview.out", timeout.Token);
        var (sandbox, server, password) = (preview.Sandbox, preview.Server, preview.Password);
        var log = new List<string>();
        var options = DelegateSandbox.Options(sandbox, log);
        using var remote = new ServerDelegate(new ServerOptions { BaseUri = server.BaseUri, Password = password, PollInterval = TimeSpan.FromMilliseconds(200) }, options);
        var directory = sandbox.ProjectDirectory("alpha");

        Assert.Contains("OpenCode 2.x: POST /api/session", remote.Describe(DelegateSandbox.Task(sandbox, "alpha", "x", fresh: true)), StringComparison.Ordinal);
        var result = await remote.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "preview task please say hi", model: FixtureConfig.FastModel), timeout.Token);
        output.WriteLine($"{result.Status} {result.FailureKind} {result.Error}: '{result.Text}' {result.TotalTokens} tokens\n" + string.Join("\n", log));

        Assert.True(result.Status == DelegateStatus.Succeeded, result.Error);
        Assert.StartsWith("Hi! This is a deterministic reply from mock-fast.", result.Text, StringComparison.Ordinal);
        Assert.Equal(("mock", "mock-fast"), (result.ProviderId, result.ModelId));
        Assert.True(result.Steps >= 1 && result.InputTokens > 0 && result.OutputTokens > 0, $"{result.Steps} steps, {result.InputTokens} in, {result.OutputTokens} out");
        Assert.Null(result.ForkedFrom); // no fork route on the preview: a new session, no warm one
        Assert.Contains(log, l => l.Contains("no route to fork sessions", StringComparison.Ordinal));
        Assert.Equal(directory, result.Directory);

        var slow = await remote.RunAsync(DelegateSandbox.Task(sandbox, "alpha", "SLOW_REPLY preview", fresh: true, timeout: TimeSpan.FromSeconds(4)), timeout.Token);
        Assert.Equal(DelegateStatus.TimedOut, slow.Status);
        Assert.Contains($"Interrupted session {slow.SessionId}.", log);
        using var client = new OpenCodeUsage.Server.ServerClient(server.BaseUri, null, password, _ => null);
        var active = await client.SendAsync(HttpMethod.Get, "api/session/active", null, null, timeout.Token);
        for (var i = 0; i < 50 && active.Body?["data"]?[slow.SessionId!] is not null; i++)
        {
            await Task.Delay(200, timeout.Token);
            active = await client.SendAsync(HttpMethod.Get, "api/session/active", null, null, timeout.Token);
        }

        Assert.Null(active.Body?["data"]?[slow.SessionId!]); // interrupted: no longer running
    }
}
