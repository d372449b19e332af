using System.Diagnostics;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Runs a script in a new PowerShell host process (tests/HostProbe). Load contexts and native libraries
/// are per process, so each isolation scenario needs a process whose history it controls.
/// </summary>
internal static class HostProbe
{
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string OtherModule => Path.Combine(RepoPaths.Root, "tests", "OtherModule", "bin", Configuration, "net8.0", "OtherModule.dll");

    public static (List<string> Output, List<string> Errors) Run(string script, IDictionary<string, string?>? environment = null)
    {
        var run = RunAll(script, environment);
        return (run.Output, run.Errors);
    }

    /// <summary>The run's output and errors, and <c>Text</c>: everything the process printed, every stream, for secret scans.</summary>
    /// <param name="withoutReadOverride">Run without the capabilities that let root read any file (Linux, through
    /// setpriv), so a file of mode 000 is unreadable to the probe even when the tests run as root, as in CI.</param>
    public static ProbeRun RunAll(string script, IDictionary<string, string?>? environment = null, bool withoutReadOverride = false)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ocu-probe-{Guid.NewGuid():N}.ps1");
        File.WriteAllText(file, script);
        try
        {
            var start = new ProcessStartInfo(withoutReadOverride ? "setpriv" : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            if (withoutReadOverride)
            {
                // For root, exec grants the inheritable and bounding sets: drop the read overrides from both.
                foreach (var argument in new[] { "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search", "dotnet" })
                {
                    start.ArgumentList.Add(argument);
                }
            }

            start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "tests", "HostProbe", "bin", Configuration, "net10.0", "HostProbe.dll"));
            start.ArgumentList.Add(file);
            foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            var lines = process.StandardOutput.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("HostProbe did not finish in 2 minutes");
            }

            Assert.True(process.ExitCode == 0, "HostProbe failed: " + stderr.Result);
            return new ProbeRun(
                lines.Where(l => l.StartsWith("OUT: ", StringComparison.Ordinal)).Select(l => l[5..]).ToList(),
                lines.Where(l => l.StartsWith("ERR: ", StringComparison.Ordinal)).Select(l => l[5..]).ToList(),
                string.Join("\n", lines) + "\n" + stderr.Result);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string Quote(string path) => "'" + path.Replace("'", "''") + "'";

    /// <summary>Whether <see cref="RunAll"/> can run a probe that root's read overrides do not reach.</summary>
    public static bool CanDropReadOverride =>
        OperatingSystem.IsLinux() && File.Exists("/usr/bin/setpriv");
}

/// <summary>What a HostProbe run printed: output and error lines, and all of it as text.</summary>
internal sealed record ProbeRun(List<string> Output, List<string> Errors, string Text)
{
    /// <summary>The lines of one kind, e.g. "VERBOSE: " or "PROP: ", without the prefix.</summary>
    public IEnumerable<string> Lines(string prefix) =>
        Text.Split('\n').Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..]);
}
