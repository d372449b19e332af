using System.Runtime.InteropServices;

namespace OpenCodeFixture;

/// <summary>Finds the real OpenCode binary for live tests and the fixture generator.</summary>
public static class OpenCodeCli
{
    /// <summary>Names an explicit binary; when set it is the only place looked at.</summary>
    public const string BinaryVariable = "OPENCODEUSAGE_OPENCODE_BIN";

    /// <summary>Where tools/install-opencode.sh installs, relative to the repository root.</summary>
    public const string InstallPrefix = ".tools/opencode";

    const string SolutionFile = "OpenCodeUsage.sln";

    /// <summary>
    /// The OpenCode binary to use, or null when there is none: <c>$OPENCODEUSAGE_OPENCODE_BIN</c>
    /// (if set, used alone: a wrong explicit path is not silently replaced by another binary),
    /// else the repo-local install from tools/install-opencode.sh, else <c>opencode</c> on PATH.
    /// </summary>
    public static string? Find()
    {
        var explicitBinary = Environment.GetEnvironmentVariable(BinaryVariable);
        if (!string.IsNullOrWhiteSpace(explicitBinary))
            return File.Exists(explicitBinary) ? Path.GetFullPath(explicitBinary) : null;

        if (FindRepoRoot() is { } repo)
        {
            foreach (var package in PlatformPackages())
            {
                var candidate = Path.Combine(repo, InstallPrefix, "node_modules", package, "bin", BinaryName);
                if (IsExecutable(candidate)) return candidate;
            }
        }
        return FindOnPath("opencode");
    }

    /// <summary>The directory holding OpenCodeUsage.sln, found by walking up from this assembly's folder.</summary>
    public static string? FindRepoRoot(string? start = null)
    {
        for (var dir = new DirectoryInfo(start ?? AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        return null;
    }

    static string BinaryName => OperatingSystem.IsWindows() ? "opencode.exe" : "opencode";

    /// <summary>npm's per-platform binary packages for this machine, the plain build first.</summary>
    public static IReadOnlyList<string> PlatformPackages()
    {
        var os = OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : "linux";
        var arch = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "arm64" : "x64";
        var name = $"opencode-{os}-{arch}";
        // baseline builds avoid AVX2; musl builds are for Alpine-like systems
        return [name, name + "-baseline", name + "-musl", name + "-baseline-musl"];
    }

    static string? FindOnPath(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        string[] suffixes = OperatingSystem.IsWindows() ? [".exe", ".cmd", ".bat", ""] : [""];
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var suffix in suffixes)
            {
                var candidate = Path.Combine(dir, command + suffix);
                if (IsExecutable(candidate)) return candidate;
            }
        }
        return null;
    }

    static bool IsExecutable(string file)
    {
        if (!File.Exists(file)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(file) & anyExecute) != 0;
    }
}
