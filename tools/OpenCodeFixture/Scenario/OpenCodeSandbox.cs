using System.Globalization;
using OpenCodeFixture.Mock;
using OpenCodeFixture.Processes;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// A private world to run the real OpenCode in: its own HOME under the output directory, the
/// mock LLM, the fixture's config and credentials, and the two git projects. Tests use it to run
/// single <c>opencode run</c>s or a server; <see cref="OpenCodeScenario"/> runs the full script in
/// it. Disposing stops every process it started (servers, then the mock).
/// </summary>
public sealed class OpenCodeSandbox : IAsyncDisposable
{
    readonly List<OpenCodeServer> _servers = [];
    readonly Lock _gate = new();
    OpenCodeFeatures? _features;
    int _runCounter;

    OpenCodeSandbox(SandboxOptions options, string outputDirectory, string binary, MockLlmServer mock,
        IReadOnlyDictionary<string, string?> environment)
    {
        Options = options;
        OutputDirectory = outputDirectory;
        Binary = binary;
        Mock = mock;
        Environment = environment;
    }

    public SandboxOptions Options { get; }

    /// <summary>The full path of the output directory.</summary>
    public string OutputDirectory { get; }

    public string Binary { get; }

    public MockLlmServer Mock { get; }

    /// <summary>Changes applied over the inherited environment for every child process (null = removed).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    public string HomeDirectory => Path.Combine(OutputDirectory, "home");

    /// <summary>OpenCode's data dir: $XDG_DATA_HOME/opencode.</summary>
    public string DataDirectory => Path.Combine(HomeDirectory, ".local", "share", "opencode");

    /// <summary>The database of OpenCode 1.2 and later (older versions write storage/ JSON instead).</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "opencode.db");

    public string ConfigFile => Path.Combine(HomeDirectory, ".config", "opencode", "opencode.json");

    public string ProjectsDirectory => Path.Combine(OutputDirectory, "projects");

    /// <summary>Per-run output: &lt;label&gt;.jsonl, &lt;label&gt;.err, server logs, HTTP replies.</summary>
    public string RunsDirectory => Path.Combine(OutputDirectory, "runs");

    public string TempDirectory => Path.Combine(OutputDirectory, "tmp");

    public string ProjectDirectory(string project) => Path.Combine(ProjectsDirectory, project);

    /// <summary>Creates the directories, starts the mock, writes config and auth, makes the projects.</summary>
    public static async Task<OpenCodeSandbox> CreateAsync(SandboxOptions options, CancellationToken ct = default)
    {
        var output = Path.GetFullPath(options.OutputDirectory);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any() && !options.ReuseOutputDirectory)
            throw new InvalidOperationException($"refusing: {output} is not empty (set ReuseOutputDirectory to reuse it)");
        var binary = options.OpenCodeBinary ?? OpenCodeCli.Find()
            ?? throw new FileNotFoundException("no OpenCode binary: run tools/install-opencode.sh or set " + OpenCodeCli.BinaryVariable);
        if (!File.Exists(binary)) throw new FileNotFoundException("OpenCode binary not found", binary);

        foreach (var dir in new[] { "home", "projects", "runs", "tmp" }) Directory.CreateDirectory(Path.Combine(output, dir));
        var environment = SandboxEnvironment.Build(output, options);
        var mock = MockLlmServer.Start(new MockLlmOptions(options.MockChunkDelay, LogFile: Path.Combine(output, "mock.log")));
        var sandbox = new OpenCodeSandbox(options, output, Path.GetFullPath(binary), mock, environment);
        try
        {
            await sandbox.WriteConfigAsync(ct);
            foreach (var project in FixtureConfig.Projects)
                await GitProjects.CreateAsync(sandbox.ProjectDirectory(project), project, environment, ct);
            return sandbox;
        }
        catch
        {
            await sandbox.DisposeAsync();
            throw;
        }
    }

    async Task WriteConfigAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ConfigFile)!);
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(ConfigFile, FixtureConfig.OpenCodeJson(Mock.BaseUri), ct);
        var auth = Path.Combine(DataDirectory, "auth.json");
        await File.WriteAllTextAsync(auth, FixtureConfig.AuthJson, ct);
        // OpenCode keeps credentials at 0600; the module's own checks expect the same
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(auth, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The binary's version and flags (probed once, from --help).</summary>
    public async Task<OpenCodeFeatures> GetFeaturesAsync(CancellationToken ct = default)
    {
        return _features ??= await OpenCodeFeatures.ProbeAsync(Binary, ProjectDirectory(FixtureConfig.Projects[0]), Environment, ct);
    }

    /// <summary>
    /// Runs <c>opencode run [ExtraRunArguments] --format json &lt;runArguments&gt;</c> in a project, with an
    /// empty stdin; stdout and stderr also go to runs/&lt;label&gt;.jsonl and .err. Never throws for a
    /// failed run: check <see cref="OpenCodeRun.ExitCode"/>.
    /// </summary>
    /// <param name="runArguments">Flags and prompt words, e.g. ["-m", "mock/mock-fast", "say", "hi"]. Give prompt
    /// words as separate arguments: OpenCode wraps a single argument containing spaces in literal quotes.</param>
    public async Task<OpenCodeRun> RunAsync(string project, IEnumerable<string> runArguments, string? label = null,
        TimeSpan? timeout = null, CancellationToken ct = default)
    {
        label ??= "run-" + Interlocked.Increment(ref _runCounter).ToString("000", CultureInfo.InvariantCulture);
        string[] args = ["run", .. Options.ExtraRunArguments, "--format", "json", .. runArguments];
        var result = await InvokeAsync(project, args, timeout, ct);
        await File.WriteAllTextAsync(Path.Combine(RunsDirectory, label + ".jsonl"), result.StandardOutput, CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(RunsDirectory, label + ".err"), result.StandardError, CancellationToken.None);
        return new OpenCodeRun(label, project, result);
    }

    /// <summary>
    /// Sends one prompt with <c>opencode run</c>: a new session, or a further turn of
    /// <paramref name="sessionId"/>, optionally forking it first.
    /// </summary>
    public Task<OpenCodeRun> PromptAsync(string project, string model, string prompt, string? sessionId = null,
        bool fork = false, string? label = null, CancellationToken ct = default)
    {
        List<string> args = ["-m", model];
        if (sessionId is not null) args.AddRange(["--session", sessionId]);
        if (fork) args.Add("--fork");
        args.AddRange(prompt.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return RunAsync(project, args, label, ct: ct);
    }

    /// <summary>Runs any OpenCode command (e.g. ["stats", "--models"]) in a project's directory.</summary>
    public Task<ProcessResult> InvokeAsync(string project, IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken ct = default) =>
        ProcessRunner.RunAsync(ProcessRunner.StartInfo(Binary, arguments, ProjectDirectory(project), Environment),
            timeout ?? Options.RunTimeout, ct);

    /// <summary>
    /// Starts <c>opencode serve</c> in a project with a random Basic-auth password. Dispose the result to
    /// stop it early; the sandbox stops any still running when it is disposed.
    /// </summary>
    public async Task<OpenCodeServer> StartServeAsync(string project, string? logName = null, CancellationToken ct = default)
    {
        var log = Path.Combine(RunsDirectory, logName ?? "serve-" + Interlocked.Increment(ref _runCounter).ToString("000", CultureInfo.InvariantCulture) + ".out");
        var server = await OpenCodeServer.StartAsync(Binary, ProjectDirectory(project), Environment, log, Options.RunTimeout, ct);
        lock (_gate) _servers.Add(server);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        OpenCodeServer[] servers;
        lock (_gate)
        {
            servers = [.. _servers];
            _servers.Clear();
        }
        foreach (var server in servers) await server.DisposeAsync();
        await Mock.DisposeAsync();
        DeleteLeakedNativeLibraries();
    }

    /// <summary>OpenCode unpacks a native library into TMPDIR per process and leaves it; all are gone now.</summary>
    void DeleteLeakedNativeLibraries()
    {
        if (!Directory.Exists(TempDirectory)) return;
        foreach (var file in Directory.EnumerateFiles(TempDirectory, ".*.so"))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // still mapped by a process that outlived its kill: harmless, it is only scratch
            }
        }
    }
}
