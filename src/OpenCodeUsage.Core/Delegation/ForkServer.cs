using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// A private, short-lived 1.x <c>opencode serve</c> that forks a warm session and gives the fork its task's title.
/// 1.18's <c>run --session X --fork</c> ignores <c>--title</c> (it titles only sessions it creates), no CLI command
/// renames a session, and OpenCode's files are never written by us: so the fork is made through OpenCode's own
/// routes (POST /session/:id/fork, PATCH /session/:id, as <see cref="ServerDelegate"/> does) before
/// <c>run --session &lt;fork&gt;</c> sends the prompt. It listens on 127.0.0.1 on a port the system picks, with a
/// random password that only its environment and our one <see cref="ServerClient"/> know, and is ended (its whole
/// process tree) as soon as the fork is titled.
/// </summary>
internal sealed partial class ForkServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _marker;
    private readonly DateTime _startedUtc;
    private readonly Task _pumps;
    private readonly ServerClient _client;

    private ForkServer(Process process, string marker, DateTime startedUtc, Task pumps, ServerClient client)
    {
        _process = process;
        _marker = marker;
        _startedUtc = startedUtc;
        _pumps = pumps;
        _client = client;
    }

    /// <summary>Starts the server in <paramref name="directory"/> and waits until it prints its address.</summary>
    /// <exception cref="ServerException">It did not start or did not say where it listens in time.</exception>
    public static async Task<ForkServer> StartAsync(string program, string directory, DelegateEnvironment environment, ActivityLog log,
        TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        var marker = LeftoverProcesses.NewMarker();
        var info = OpenCodeProcess.StartInfo(program, OpenCodeArguments.ForForkServer(), directory, environment, marker);
        info.Environment["OPENCODE_SERVER_PASSWORD"] = password;
        info.Environment["OPENCODE_SERVER_USERNAME"] = ServerClient.DefaultUserName;

        var startedUtc = DateTime.UtcNow;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"'{program}' did not start.");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            throw new ServerException(DelegateFailureKind.ServerUnavailable, $"'{program} serve' could not be started: {ex.Message}");
        }

        process.StandardInput.Close();
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new Queue<string>();
        var stdout = BoundedLineReader.ReadAllAsync(process.StandardOutput, 64 * 1024, line =>
        {
            if (Listening().Match(line) is { Success: true } m && Uri.TryCreate(m.Groups["url"].Value, UriKind.Absolute, out var uri))
            {
                address.TrySetResult(uri);
            }
        }, CancellationToken.None);
        var errors = BoundedLineReader.ReadAllAsync(process.StandardError, 64 * 1024, line =>
        {
            lock (stderr)
            {
                stderr.Enqueue(line);
                if (stderr.Count > 5)
                {
                    stderr.Dequeue();
                }
            }
        }, CancellationToken.None);
        var pumps = Task.WhenAll(stdout, errors);
        var exited = process.WaitForExitAsync(CancellationToken.None);

        var limit = timeLeft is { } left && left < ReadyTimeout ? left : ReadyTimeout;
        using var deadline = new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.Zero);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var clock = Stopwatch.StartNew();
        try
        {
            Task first;
            try
            {
                first = await Task.WhenAny(address.Task, exited).WaitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ServerException(DelegateFailureKind.ServerUnavailable,
                    $"'{program} serve' did not say where it listens within {limit.TotalSeconds:0} s.");
            }

            if (first != address.Task)
            {
                // It exited: what it said may still be in the pipe. Bounded, since a child of it could hold the pipe open.
                try
                {
                    await pumps.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    // What was read by then is what it said.
                }

                string said;
                lock (stderr)
                {
                    said = string.Join(" ", stderr);
                }

                throw new ServerException(DelegateFailureKind.ServerUnavailable,
                    $"'{program} serve' exited ({process.ExitCode}) before it listened{(said.Length > 0 ? ": " + said : ".")}");
            }
        }
        catch
        {
            End(process, marker, startedUtc);
            process.Dispose();
            throw;
        }

        log.Say($"Started a private opencode serve at {address.Task.Result} for the fork ({clock.ElapsedMilliseconds} ms).");
        return new ForkServer(process, marker, startedUtc, pumps,
            new ServerClient(address.Task.Result, ServerClient.DefaultUserName, password, environment.Get, log));
    }

    /// <summary>
    /// Forks the warm session and titles the fork with the task's title, through the same 1.x routes -Server uses;
    /// null when the warm session does not exist any more.
    /// </summary>
    public async Task<string?> ForkAsync(DelegateTask task, string warm, Action<string> warn, CancellationToken cancellationToken)
    {
        var api = new V1SessionApi(_client);
        string fork;
        try
        {
            fork = await api.ForkAsync(task, warm, cancellationToken).ConfigureAwait(false);
        }
        catch (ServerException ex) when (ex.Kind == DelegateFailureKind.SessionNotFound)
        {
            return null;
        }

        await api.PrepareForkAsync(task, fork, warn, cancellationToken).ConfigureAwait(false);
        return fork;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        End(_process, _marker, _startedUtc);
        await Task.WhenAny(_pumps, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        _process.Dispose();
    }

    private static void End(Process process, string marker, DateTime startedUtc)
    {
        OpenCodeProcess.KillTree(process);
        LeftoverProcesses.End(marker, startedUtc);
    }

    [GeneratedRegex(@"listening on (?<url>http://127\.0\.0\.1:\d+)/?", RegexOptions.CultureInvariant)]
    private static partial Regex Listening();
}
