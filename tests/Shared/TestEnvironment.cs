using System.Runtime.CompilerServices;

namespace OpenCodeUsage.Tests;

/// <summary>
/// Keeps tests off the machine's own OpenCode data, prices and cache: the digest cache goes to a directory
/// of this test run, and Core sees no other environment variable unless a test passes one.
/// </summary>
internal static class TestEnvironment
{
    public static string CacheDirectory { get; } = Path.Combine(Path.GetTempPath(), "ocu-test-cache-" + Environment.ProcessId);

    /// <summary>An environment with nothing set but the test cache directory.</summary>
    public static string? Isolated(string name) => name == "OPENCODEUSAGE_CACHE_DIR" ? CacheDirectory : null;

    /// <summary>Where in-process runs keep state (warm sessions, running delegations, the Go quota history) on Linux and macOS.</summary>
    public static string StateDirectory { get; } = Path.Combine(Path.GetTempPath(), "ocu-test-state-" + Environment.ProcessId);

    [ModuleInitializer]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("OPENCODEUSAGE_CACHE_DIR", CacheDirectory);
        // Cmdlets run in-process read the process environment: their state files must not land in the user's home.
        Environment.SetEnvironmentVariable("XDG_STATE_HOME", StateDirectory);
    }
}
