using OpenCodeFixture.Scenario;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>
/// The real OpenCode 2.0 preview's server (lildax serve from tools/install-lildax.sh) in a sandbox with the fixture's
/// mock LLM, and the password it keeps for itself: the preview ignores OPENCODE_SERVER_PASSWORD and writes its own to
/// $XDG_STATE_HOME/opencode/password. Skips the test where the binary is not installed.
/// </summary>
internal sealed class LivePreview : IAsyncDisposable
{
    private LivePreview(OpenCodeSandbox sandbox, OpenCodeServer server, string password) =>
        (Sandbox, Server, Password) = (sandbox, server, password);

    public static string Binary => Path.Combine(RepoPaths.Root, ".tools", "lildax", "package", "bin", "lildax");

    public OpenCodeSandbox Sandbox { get; }

    public OpenCodeServer Server { get; }

    public string Password { get; }

    public static async Task<LivePreview> StartAsync(string outputDirectory, string logName, CancellationToken cancellationToken)
    {
        Skip.IfNot(File.Exists(Binary), "the 2.0 preview is not installed; run tools/install-lildax.sh");
        var sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions { OutputDirectory = outputDirectory, OpenCodeBinary = Binary }, cancellationToken);
        try
        {
            var server = await sandbox.StartServeAsync("alpha", logName, cancellationToken);
            var state = sandbox.Environment.TryGetValue("XDG_STATE_HOME", out var s) && s is not null ? s : Path.Combine(sandbox.HomeDirectory, ".local", "state");
            return new LivePreview(sandbox, server, File.ReadAllText(Path.Combine(state, "opencode", "password")).Trim());
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Sandbox.DisposeAsync();
    }
}
