using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Delegation;

/// <summary>One OpenCode process a delegation is running, as <see cref="RunningDelegations"/> lists it.</summary>
public sealed record RunningDelegation(int ProcessId, DateTimeOffset Started, string Directory, string? SessionId, string File);

/// <summary>
/// The OpenCode processes our delegations are running, one owner-only file each under the state directory
/// (<c>delegations/&lt;pid&gt;.json</c>, written atomically, removed when the process ends), so that another pwsh, a
/// budget watch say, can find and stop them. The set is bounded by the processes running; a file whose process
/// is gone (a killed pwsh) is removed the next time the list is read.
/// </summary>
public static class RunningDelegations
{
    public static string Directory(Func<string, string?> environment) =>
        Path.Combine(Path.GetDirectoryName(WarmSessionStore.DefaultPath(environment))!, "delegations");

    /// <summary>Records a started process; the returned handle adds its session once known, and removes the record.</summary>
    internal static Registration Register(Process process, string directory, Func<string, string?> environment, Action<string>? warn)
    {
        var registration = new Registration(Path.Combine(Directory(environment), $"{process.Id.ToString(CultureInfo.InvariantCulture)}.json"),
            process.Id, StartOf(process) ?? DateTimeOffset.UtcNow, directory, warn);
        registration.Write(null);
        return registration;
    }

    /// <summary>The delegations running now, on this machine, for this user.</summary>
    public static IReadOnlyList<RunningDelegation> List(Func<string, string?> environment)
    {
        var folder = Directory(environment);
        if (!System.IO.Directory.Exists(folder))
        {
            return [];
        }

        var running = new List<RunningDelegation>();
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.json"))
        {
            var entry = Read(file);
            if (entry is not null && Alive(entry))
            {
                running.Add(entry);
            }
            else if (entry is not null || File.GetLastWriteTimeUtc(file) < DateTime.UtcNow - PrivateFile.LeftoverAge)
            {
                TryDelete(file);
            }
        }

        return running;
    }

    /// <summary>Kills the process tree of each running delegation <paramref name="which"/> selects; returns those stopped.</summary>
    public static IReadOnlyList<RunningDelegation> Stop(Func<string, string?> environment, Func<RunningDelegation, bool> which)
    {
        var stopped = new List<RunningDelegation>();
        foreach (var entry in List(environment).Where(which))
        {
            try
            {
                using var process = Process.GetProcessById(entry.ProcessId);
                // The pid is checked against the start time recorded: a recycled pid is another program, never killed.
                if (StartOf(process) is { } started && Math.Abs((started - entry.Started).TotalSeconds) < 1)
                {
                    OpenCodeProcess.KillTree(process);
                    stopped.Add(entry);
                }
            }
            catch (ArgumentException)
            {
                // Ended meanwhile.
            }
        }

        return stopped;
    }

    private static bool Alive(RunningDelegation entry)
    {
        try
        {
            using var process = Process.GetProcessById(entry.ProcessId);
            return StartOf(process) is { } started && Math.Abs((started - entry.Started).TotalSeconds) < 1;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static DateTimeOffset? StartOf(Process process)
    {
        try
        {
            return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    private static RunningDelegation? Read(string file)
    {
        try
        {
            var o = JsonNode.Parse(RegularFile.ReadOwn(file, RegularFile.ConfigCap)) as JsonObject;
            if (o?["pid"]?.GetValue<int>() is not { } pid || o["started"]?.GetValue<long>() is not { } ticks)
            {
                return null;
            }

            return new RunningDelegation(pid, new DateTimeOffset(ticks, TimeSpan.Zero), o["directory"]?.GetValue<string>() ?? string.Empty,
                o["sessionId"]?.GetValue<string>(), file);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException
                                       or OpenCodeUsageException)
        {
            return null;
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Litter only.
        }
    }

    /// <summary>One process's record: its session added once known, removed when it ends.</summary>
    internal sealed class Registration(string file, int pid, DateTimeOffset started, string directory, Action<string>? warn) : IDisposable
    {
        private string? _session;

        public void NoteSession(string sessionId)
        {
            if (_session is null)
            {
                _session = sessionId;
                Write(sessionId);
            }
        }

        internal void Write(string? sessionId)
        {
            var o = new JsonObject
            {
                ["pid"] = pid,
                ["started"] = started.UtcTicks,
                ["directory"] = directory,
                ["sessionId"] = sessionId,
            };
            try
            {
                PrivateFile.Write(file, stream =>
                {
                    using var writer = new Utf8JsonWriter(stream);
                    o.WriteTo(writer);
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The run goes on; only a budget watch's -StopDelegation will not find it.
                warn?.Invoke($"The record of the running delegation '{file}' could not be written: {ex.Message}");
            }
        }

        public void Dispose() => TryDelete(file);
    }
}
