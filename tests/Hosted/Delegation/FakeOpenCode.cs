namespace OpenCodeUsage.Tests.Hosted.Delegation;

/// <summary>
/// A stand-in for the opencode executable (a bash script, so Linux and macOS only) in a temporary folder with a
/// project directory beside it. It answers --version (<see cref="Version"/>), has no serve, and records every other launch (argv, stdin, $PWD, pid) and answers with lines the real
/// OpenCode 1.18.33 printed (tests/data/delegate-1.18.33): prompts containing "fail" get the 401 run and exit
/// 1, "slow" sleeps (its sleep's pid recorded), "leave" starts a background sleep and exits normally, anything else gets the successful run. Tests of what the cmdlet
/// does around a run need no real OpenCode; the live tests in tests/Unit drive the real one.
/// </summary>
internal sealed class FakeOpenCode : IDisposable
{
    public FakeOpenCode()
    {
        Root = Directory.CreateTempSubdirectory("ocu-fake-opencode-").FullName;
        Project = Directory.CreateDirectory(Path.Combine(Root, "project")).FullName;
        Launches = Directory.CreateDirectory(Path.Combine(Root, "launches")).FullName;
        var data = Path.Combine(RepoPaths.TestData, "delegate-1.18.33");
        File.Copy(Path.Combine(data, "success-smart.jsonl"), Path.Combine(Root, "ok.jsonl"));
        File.Copy(Path.Combine(data, "api-401.jsonl"), Path.Combine(Root, "fail.jsonl"));
        Version = "1.18.33";
        Executable = Path.Combine(Root, "opencode");
        File.WriteAllText(Executable, $$"""
            #!/bin/bash
            # Asked before anything runs, and not a launch: the version tells the generation (see Version).
            if [ "$1" = "--version" ]; then cat "{{Root}}/version"; exit 0; fi
            if [ "$1" = "serve" ]; then echo "the stand-in has no serve" >&2; exit 1; fi
            launch="{{Launches}}/$$"
            mkdir -p "$launch"
            printf '%s\0' "$@" > "$launch/argv"
            printf '%s' "$PWD" > "$launch/pwd"
            pwd -P > "$launch/cwd"
            # The prompt comes on standard input (never in argv), as OpenCode reads a non-TTY stdin.
            prompt=$(cat)
            printf '%s' "$prompt" > "$launch/stdin"
            case "$* $prompt" in
              *slow*) sleep 120 & echo $! > "$launch/sleep"; wait ;;
              # A child left behind (an LSP or MCP server, a bash tool's background job), its pipes closed.
              *leave*) sleep 300 >/dev/null 2>&1 </dev/null & echo $! > "$launch/sleep"; cat "{{Root}}/ok.jsonl" ;;
              *fail*) cat "{{Root}}/fail.jsonl"; exit 1 ;;
              *) cat "{{Root}}/ok.jsonl" ;;
            esac

            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public static bool Supported => !OperatingSystem.IsWindows();

    /// <summary>What <c>opencode --version</c> prints (the real 1.18.33 by default; "2.0.12" makes it a 2.x CLI).</summary>
    public string Version
    {
        get => File.ReadAllText(Path.Combine(Root, "version")).TrimEnd('\n');
        set => File.WriteAllText(Path.Combine(Root, "version"), value + "\n");
    }

    public string Root { get; }

    public string Project { get; }

    public string Executable { get; }

    private string Launches { get; }

    /// <summary>The argument lists it was started with.</summary>
    public IReadOnlyList<string[]> Arguments => Runs().Select(r => File.ReadAllText(Path.Combine(r, "argv")).TrimEnd('\0').Split('\0')).ToList();

    /// <summary>What each run read on standard input: the prompt.</summary>
    public IReadOnlyList<string> Prompts => Runs().Select(r => File.ReadAllText(Path.Combine(r, "stdin"))).ToList();

    public IReadOnlyList<string> WorkingDirectories => Runs().Select(r => File.ReadAllText(Path.Combine(r, "pwd"))).ToList();

    /// <summary>Each run's real working directory (getcwd), which 2.x takes the project from when $PWD is not set.</summary>
    public IReadOnlyList<string> ProcessDirectories => Runs().Select(r => File.ReadAllText(Path.Combine(r, "cwd")).TrimEnd('\n')).ToList();

    /// <summary>Pids of the "slow" and "leave" runs' sleep processes (grandchildren of the cmdlet).</summary>
    public IReadOnlyList<int> Sleepers => Runs().Select(r => Path.Combine(r, "sleep")).Where(File.Exists)
        .Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public static bool IsAlive(int pid)
    {
        // A killed process may linger as a zombie until reaped; it runs nothing.
        var stat = $"/proc/{pid}/stat";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var text = File.ReadAllText(stat);
                return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
            }
            catch (IOException)
            {
                return false;
            }
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private IEnumerable<string> Runs() => Directory.EnumerateDirectories(Launches).Order(StringComparer.Ordinal);

    public void Dispose()
    {
        foreach (var pid in Sleepers.Where(IsAlive))
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        Directory.Delete(Root, recursive: true);
    }
}
