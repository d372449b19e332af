using System.Diagnostics;
using System.Text;

namespace OpenCodeFixture.Processes;

/// <summary>
/// Runs a child process to completion with an empty, closed stdin, captured output, and a time
/// limit. On timeout or cancellation the whole process tree is killed before this returns, so no
/// OpenCode process outlives its caller.
/// </summary>
public static class ProcessRunner
{
    /// <summary>How long to wait for output pipes after exit: a leftover grandchild may hold them open.</summary>
    static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            // a non-TTY stdin is read whole by `opencode run`: give it one that is empty and closed
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        // OpenCode takes its project from $PWD, not from the real working directory: an inherited
        // PWD would put every session in the caller's directory (and its git repository)
        info.Environment["PWD"] = Path.GetFullPath(workingDirectory);
        return info;
    }

    public static async Task<ProcessResult> RunAsync(ProcessStartInfo info, TimeSpan timeout, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
        process.StandardInput.Close();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput, stdout), PumpAsync(process.StandardError, stderr));

        var timedOut = false;
        using var deadline = new CancellationTokenSource(timeout);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            await process.WaitForExitAsync(either.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !ct.IsCancellationRequested;
        }
        finally
        {
            await StopTreeAsync(process);
        }

        if (await Task.WhenAny(pumps, Task.Delay(DrainTimeout, CancellationToken.None)) != pumps)
        {
            process.StandardOutput.Dispose(); // unblocks the pumps; what was read so far is kept
            process.StandardError.Dispose();
        }
        ct.ThrowIfCancellationRequested();
        return new ProcessResult(info.FileName, [.. info.ArgumentList], info.WorkingDirectory,
            process.ExitCode, timedOut, clock.Elapsed, Snapshot(stdout), Snapshot(stderr));
    }

    /// <summary>Kills the process and everything it started, then waits (briefly) for it to be gone.</summary>
    public static async Task StopTreeAsync(Process process)
    {
        try
        {
            if (process.HasExited) return;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            // already gone, or not reaped in time: nothing more can be done from here
        }
    }

    static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        var buffer = new char[8192];
        try
        {
            int n;
            while ((n = await reader.ReadAsync(buffer, CancellationToken.None)) > 0)
            {
                lock (sink) sink.Append(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // the reader was closed because the pipe stayed open after the process exited
        }
    }

    static string Snapshot(StringBuilder sink)
    {
        lock (sink) return sink.ToString();
    }
}
