using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OpenCodeFixture.Mock;
using OpenCodeFixture.Scenario;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

[CollectionDefinition(Name)]
public sealed class DelegateCollection : ICollectionFixture<DelegateSandbox>
{
    public const string Name = "Live delegate";
}

/// <summary>
/// One OpenCode sandbox (private HOME, the mock LLM, projects alpha and beta) shared by the live delegation
/// tests, made on first use. Runners get the sandbox's environment, so the warm-session state file also lands
/// in the sandbox ($XDG_STATE_HOME/OpenCodeUsage/warm-sessions.json).
/// </summary>
public sealed class DelegateSandbox : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-delegate-").FullName;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private OpenCodeSandbox? _sandbox;

    public async Task<OpenCodeSandbox> GetAsync()
    {
        var binary = LiveOpenCode.Binary();
        await _gate.WaitAsync();
        try
        {
            return _sandbox ??= await OpenCodeSandbox.CreateAsync(new SandboxOptions
            {
                OutputDirectory = Path.Combine(_root, "sandbox"),
                OpenCodeBinary = binary,
                RunTimeout = TimeSpan.FromSeconds(90),
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    public static DelegateEnvironment Environment(OpenCodeSandbox sandbox, params (string Name, string? Value)[] extra)
    {
        var variables = new Dictionary<string, string?>(sandbox.Environment);
        foreach (var (name, value) in extra)
        {
            variables[name] = value;
        }

        return new DelegateEnvironment(variables);
    }

    public static OpenCodeRunner Runner(OpenCodeSandbox sandbox, List<string>? log = null, params (string Name, string? Value)[] extra) =>
        new(sandbox.Binary, Options(sandbox, log, extra));

    /// <param name="log">Receives verbose messages and (prefixed WARNING:) warnings, from any thread.</param>
    public static DelegateOptions Options(OpenCodeSandbox sandbox, List<string>? log = null, params (string Name, string? Value)[] extra)
    {
        var sink = log ?? [];
        void Add(string message)
        {
            lock (sink)
            {
                sink.Add(message);
            }
        }

        return new DelegateOptions
        {
            Environment = Environment(sandbox, extra),
            Log = new ActivityLog { Verbose = Add },
            Warning = m => Add("WARNING: " + m),
        };
    }

    public static WarmSessionStore Store(OpenCodeSandbox sandbox) =>
        new(WarmSessionStore.DefaultPath(Environment(sandbox).Get));

    public static DelegateTask Task(OpenCodeSandbox sandbox, string project, string prompt, string? model = null, bool fresh = false,
        TimeSpan? timeout = null) =>
        DelegateTask.From(new DelegateRequest
        {
            Prompt = prompt,
            Directory = sandbox.ProjectDirectory(project),
            Model = model,
            Fresh = fresh,
            Timeout = timeout,
        });

    /// <summary>Sessions as the module reads them from the sandbox's database, afresh.</summary>
    public static IReadOnlyDictionary<string, Session> Sessions(OpenCodeSandbox sandbox) =>
        SessionReader.Read(new SessionQuery { DataPaths = [sandbox.DataDirectory], NoCache = true }, TestEnvironment.Isolated,
            new ReadDiagnostics(), null, CancellationToken.None).ToDictionary(s => s.Id);

    /// <summary>The mock's non-title requests whose last user message contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<(MockRequest Request, string UserText)> RequestsWith(OpenCodeSandbox sandbox, string marker) =>
        sandbox.Mock.Requests.Where(r => !r.IsTitleRequest)
            .Select(r => (Request: r, UserText: LastUserText(r)))
            .Where(r => r.UserText.Contains(marker, StringComparison.Ordinal))
            .ToList();

    private static string LastUserText(MockRequest request)
    {
        var body = JsonNode.Parse(request.Body);
        var user = (body?["messages"] as JsonArray ?? []).LastOrDefault(m => m?["role"]?.GetValue<string>() == "user");
        return user?["content"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray blocks => string.Join("\n", blocks.Select(b => b?["text"]?.GetValue<string>() ?? string.Empty)),
            _ => string.Empty,
        };
    }

    public Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }
}
