namespace OpenCodeFixture.Scenario;

/// <summary>Where and how OpenCode runs: the private world a scenario (or a test) drives it in.</summary>
public record SandboxOptions
{
    /// <summary>Everything goes here: home/, projects/, runs/, tmp/, mock.log. Must be empty or absent
    /// unless <see cref="ReuseOutputDirectory"/> is set.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The OpenCode binary; null means <see cref="OpenCodeCli.Find"/>.</summary>
    public string? OpenCodeBinary { get; init; }

    /// <summary>Set (or, with a null value, remove) variables for every OpenCode and git process, after the sandbox's own.</summary>
    public IReadOnlyDictionary<string, string?> ExtraEnvironment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Flags added to every <c>opencode run</c> (make-real-db.sh's OC_FLAGS), e.g. <c>--pure</c>.</summary>
    public IReadOnlyList<string> ExtraRunArguments { get; init; } = [];

    /// <summary>Limit for one OpenCode invocation; past it the process tree is killed.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>Work in a non-empty output directory (make-real-db.sh's FORCE=1): e.g. run a newer
    /// OpenCode over an older one's data to get a real upgraded data dir. Existing projects are kept.</summary>
    public bool ReuseOutputDirectory { get; init; }

    /// <summary>Pause after each word the mock streams (0 = as fast as possible).</summary>
    public TimeSpan MockChunkDelay { get; init; }

    /// <summary>Set OPENCODE_DISABLE_DEFAULT_PLUGINS=1 (make-real-db.sh's NO_DEFAULT_PLUGINS).</summary>
    public bool DisableDefaultPlugins { get; init; }
}
