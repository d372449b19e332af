using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenCodeUsage.Delegation;

/// <summary>The generations of the OpenCode CLI, whose <c>opencode run</c> flags differ (see <see cref="OpenCodeArguments"/>).</summary>
public enum CliGeneration
{
    /// <summary>1.x (npm <c>opencode-ai</c>): <c>--variant</c>, <c>--dir</c>, <c>--attach</c>, <c>--log-level</c>.</summary>
    V1 = 1,

    /// <summary>2.x: <c>-m provider/model#variant</c>, <c>--server</c>; none of the 1.x flags above.</summary>
    V2 = 2,
}

/// <summary>What an OpenCode executable says it is (<c>opencode --version</c>) and the generation that makes it.</summary>
public sealed record OpenCodeVersion(string Reported, Version Number, CliGeneration Generation)
{
    /// <summary>How long <c>--version</c> may take: 1.18 needs about two seconds on a loaded machine.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(30);

    private static readonly ConcurrentDictionary<(string Path, DateTime Modified, long Size), OpenCodeVersion> Cache = new();

    /// <summary>Only a bare version on its own line ("1.18.33", "v2.0.12", "opencode 2.0.12"); a build tag alone ("vlocal") is no version.</summary>
    private static readonly Regex Line = new(@"^(?:opencode\s+)?v?(?<n>\d+\.\d+(?:\.\d+)?)(?:[-+][0-9A-Za-z.+-]*)?$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));

    /// <summary>
    /// The version the executable reports, asked once per file: the answer is kept for its path, size and modification
    /// time, so a call does not start it again, and an upgrade in place is noticed. OpenCodeVersionUnknown when it
    /// prints no version this can read: the flags of <c>run</c> depend on it, and guessing could send a prompt to
    /// a command that means something else.
    /// </summary>
    public static OpenCodeVersion Of(string program, DelegateEnvironment environment)
    {
        var key = KeyOf(program);
        if (Cache.TryGetValue(key, out var known))
        {
            return known;
        }

        var (exitCode, output) = Ask(program, environment);
        var version = Parse(output) ?? throw Unknown(program, exitCode, output);
        Cache[key] = version;
        return version;
    }

    /// <summary>The version in <c>--version</c>'s output; null when there is none. 0.x and 1.x are the 1.x CLI; 2.x and later speak 2.x.</summary>
    public static OpenCodeVersion? Parse(string output)
    {
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.Trim();
            var match = Line.Match(line);
            if (match.Success && Version.TryParse(match.Groups["n"].Value, out var number))
            {
                return new OpenCodeVersion(line, number, number.Major >= 2 ? CliGeneration.V2 : CliGeneration.V1);
            }
        }

        return null;
    }

    private static (string Path, DateTime Modified, long Size) KeyOf(string program)
    {
        // npm installs put a link on PATH: the file it leads to is what changes on an upgrade.
        var file = new FileInfo(program);
        var target = file.LinkTarget is null ? file : file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        return target.Exists ? (target.FullName, target.LastWriteTimeUtc, target.Length) : (file.FullName, DateTime.MinValue, -1);
    }

    private static (int? ExitCode, string Output) Ask(string program, DelegateEnvironment environment)
    {
        var info = OpenCodeProcess.StartInfo(program, ["--version"], null, environment, null);
        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"'{program}' did not start.");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(AskTimeout))
            {
                OpenCodeProcess.KillTree(process);
                return (null, $"(no answer within {AskTimeout.TotalSeconds:0} s)");
            }

            // Bounded: a version is one short line, and the process has exited.
            stdout.Wait(AskTimeout);
            stderr.Wait(AskTimeout);
            var output = stdout.IsCompletedSuccessfully ? stdout.Result : string.Empty;
            return (process.ExitCode, output.Length > 0 ? output : stderr.IsCompletedSuccessfully ? stderr.Result : string.Empty);
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return (null, $"(could not be started: {ex.Message})");
        }
    }

    private static OpenCodeUsageException Unknown(string program, int? exitCode, string output)
    {
        var said = output.Trim();
        said = said.Length > 200 ? said[..200] + "…" : said;
        return new OpenCodeUsageException("OpenCodeVersionUnknown", FailureKind.InvalidData,
            $"'{program} --version' answered {(said.Length == 0 ? "nothing" : "'" + said + "'")}" +
            (exitCode is { } code and not 0 ? $" (exit code {code})" : string.Empty) +
            ", not a version: which OpenCode generation it is, and so which flags its run command takes, is unknown. " +
            "Pass -OpenCodePath with a released OpenCode (1.x or 2.x).", program);
    }
}
