using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Ends what a delegated <c>opencode</c> left running after it exited (LSP and MCP servers, a bash tool's
/// background job). Once OpenCode exits they are reparented away, so no parent chain leads to them; instead each
/// run puts a unique marker in the environment it starts OpenCode with, which every descendant inherits, and on
/// exit the processes carrying that marker (and started after the run) are killed. Nothing without the marker is
/// touched, so nothing that isn't ours.
/// </summary>
internal static class LeftoverProcesses
{
    public const string MarkerVariable = "OPENCODEUSAGE_DELEGATION_RUN";

    public static string NewMarker() => Guid.NewGuid().ToString("N");

    /// <summary>Kills the live processes whose environment carries <paramref name="marker"/>; returns how many.</summary>
    /// <remarks>
    /// Linux only (it reads <c>/proc/*/environ</c>, readable for one's own processes). Elsewhere it does nothing:
    /// on Windows a Job object would be the way, on macOS there is no <c>/proc</c>; the tree kill on timeout covers
    /// those only while the parent lives.
    /// </remarks>
    public static int End(string marker, DateTime startedUtc)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var needle = Encoding.ASCII.GetBytes($"{MarkerVariable}={marker}\0");
        var self = Environment.ProcessId;
        var ended = 0;
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (IOException)
        {
            return 0;
        }

        foreach (var entry in entries)
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == self || !Carries(entry, needle))
            {
                continue;
            }

            ended += Kill(pid, startedUtc) ? 1 : 0;
        }

        return ended;
    }

    private static bool Carries(string entry, byte[] needle)
    {
        try
        {
            var environ = File.ReadAllBytes(Path.Combine(entry, "environ"));
            // Variables are NUL-separated; the marker is matched whole, at the start or after a NUL.
            var at = environ.AsSpan().IndexOf(needle);
            while (at >= 0)
            {
                if (at == 0 || environ[at - 1] == 0)
                {
                    return true;
                }

                var next = environ.AsSpan(at + 1).IndexOf(needle);
                at = next < 0 ? -1 : at + 1 + next;
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone, or another user's: not ours.
            return false;
        }
    }

    private static bool Kill(int pid, DateTime startedUtc)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            // A pid reused since the marker was read would not carry it, but the start time is checked as well.
            if (process.HasExited || process.StartTime.ToUniversalTime() < startedUtc.AddSeconds(-1))
            {
                return false;
            }

            process.Kill(entireProcessTree: true);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return false;
        }
    }
}
