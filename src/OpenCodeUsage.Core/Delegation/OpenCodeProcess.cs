using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>How one <c>opencode</c> process ended, with its events and log as read while it ran.</summary>
internal sealed record ProcessOutcome(
    RunTranscript Events,
    RunLog Log,
    int? ExitCode,
    bool TimedOut,
    bool Cancelled,
    string? StartError,
    TimeSpan Duration)
{
    /// <summary>Output lines longer than <see cref="BoundedLineReader.DefaultMaxChars"/>, cut: their events were lost.</summary>
    public int LinesCut { get; init; }

    public bool Exited => StartError is null && !TimedOut && !Cancelled;

    /// <summary>
    /// OpenCode refused <c>--session</c> because the session does not exist: 1.x prints no event and says so in its
    /// log; 2.x says so in its only event, an error (packages/cli/src/run/run.ts, reportRunError).
    /// </summary>
    public bool SessionNotFound => Exited && ExitCode != 0 && (
        (Events.EventCount == 0 && Log.Notices.Any(n => n.Contains("Session not found", StringComparison.OrdinalIgnoreCase)))
        || (Events.EventCount == 1 && Events.Errors is [{ Kind: DelegateFailureKind.SessionNotFound }]));
}

/// <summary>
/// Runs <c>opencode</c> without a shell: arguments as a list, standard input closed at once (OpenCode appends a
/// non-TTY stdin to the prompt), output read line by line as it comes. On the deadline or cancellation the whole
/// process tree is killed and reaped before this returns, so no OpenCode process outlives the call; after a normal
/// exit, the processes it left running are ended too (<see cref="LeftoverProcesses"/>).
/// </summary>
internal static class OpenCodeProcess
{
    /// <summary>After exit, how long to wait for the pipes: a grandchild that inherited them may hold them open.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(10);

    public static async Task<ProcessOutcome> RunAsync(string program, IReadOnlyList<string> arguments, string directory,
        string? standardInput, DelegateEnvironment environment, TimeSpan? timeLeft, CancellationToken cancellationToken)
    {
        var events = new RunTranscript();
        var log = new RunLog();
        var clock = Stopwatch.StartNew();
        if (cancellationToken.IsCancellationRequested)
        {
            return new ProcessOutcome(events, log, null, false, true, null, TimeSpan.Zero);
        }

        if (timeLeft is { } left && left <= TimeSpan.Zero)
        {
            return new ProcessOutcome(events, log, null, true, false, null, TimeSpan.Zero);
        }

        Process process;
        var marker = LeftoverProcesses.NewMarker();
        var startedUtc = DateTime.UtcNow;
        try
        {
            process = Process.Start(StartInfo(program, arguments, directory, environment, marker))
                      ?? throw new InvalidOperationException($"'{program}' did not start.");
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return new ProcessOutcome(events, log, null, false, false, $"'{program}' could not be started: {ex.Message}", clock.Elapsed);
        }

        using (process)
        using (var registration = RunningDelegations.Register(process, directory, environment.Get, null))
        {
            var input = WriteInputAsync(process, standardInput);
            // The run's session, once its first event names it, goes into the record a budget watch stops runs by.
            var stdout = PumpAsync(process.StandardOutput, line =>
            {
                events.Feed(line);
                if (events.SessionId is { } session)
                {
                    registration.NoteSession(session);
                }
            });
            var pumps = Task.WhenAll(stdout, PumpAsync(process.StandardError, log.Feed));
            bool timedOut = false, cancelled = false;
            using var deadline = timeLeft is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            try
            {
                await process.WaitForExitAsync(either.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancelled = cancellationToken.IsCancellationRequested;
                timedOut = !cancelled;
            }
            finally
            {
                KillTree(process);
                // Before draining: a leftover child holding the pipes would otherwise stall the drain.
                LeftoverProcesses.End(marker, startedUtc);
            }

            if (await Task.WhenAny(pumps, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false) != pumps)
            {
                // Unblocks the pumps; what was read so far is kept.
                process.StandardOutput.Dispose();
                process.StandardError.Dispose();
                await Task.WhenAny(pumps, Task.Delay(DrainTimeout, CancellationToken.None)).ConfigureAwait(false);
            }

            await input.ConfigureAwait(false);
            return new ProcessOutcome(events, log, process.HasExited ? process.ExitCode : null, timedOut, cancelled, null, clock.Elapsed)
            {
                LinesCut = stdout.IsCompletedSuccessfully ? stdout.Result : 0,
            };
        }
    }

    /// <summary>Kills the process and every process it started, then waits for it to be reaped.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            if (process.HasExited)
            {
                return;
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit(ReapTimeout);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or not ours to kill any more: nothing else can be done from here.
        }
    }

    /// <summary>
    /// How every OpenCode child starts (a run, the private fork server, the version question): redirected, no shell,
    /// our environment; with a directory, OpenCode's project is that directory; with a marker, leftovers can be found.
    /// </summary>
    internal static ProcessStartInfo StartInfo(string program, IReadOnlyList<string> arguments, string? directory, DelegateEnvironment environment,
        string? marker)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        environment.ApplyTo(info.Environment);
        if (directory is not null)
        {
            info.WorkingDirectory = directory;
            // OpenCode takes its project from $PWD, not from its working directory; an inherited PWD (where pwsh
            // started) would put the session in the wrong project.
            info.Environment["PWD"] = directory;
        }

        if (marker is not null)
        {
            info.Environment[LeftoverProcesses.MarkerVariable] = marker;
        }

        return info;
    }

    private static async Task WriteInputAsync(Process process, string? text)
    {
        try
        {
            if (text is not null)
            {
                await process.StandardInput.WriteAsync(text).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The process exited (or was killed) before reading all of it.
        }
    }

    /// <returns>How many lines were too long and cut.</returns>
    private static async Task<int> PumpAsync(StreamReader reader, Action<string> sink)
    {
        try
        {
            return await BoundedLineReader.ReadAllAsync(reader, BoundedLineReader.DefaultMaxChars, sink).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException)
        {
            // Closed because a grandchild kept the pipe open after the process exited.
            return 0;
        }
    }
}
