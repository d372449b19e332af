namespace OpenCodeUsage.Delegation;

/// <summary>Finds the OpenCode executable: a path the user gave, else <c>opencode</c> on PATH.</summary>
public static class OpenCodeExecutable
{
    private static string FileName => OperatingSystem.IsWindows() ? "opencode.exe" : "opencode";

    /// <summary>The executable's full path; OpenCodeNotFound when there is none.</summary>
    public static string Find(string? explicitPath, Func<string, string?> environment) =>
        TryFind(explicitPath, environment) ?? throw NotFound(explicitPath);

    public static string? TryFind(string? explicitPath, Func<string, string?> environment)
    {
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            return IsExecutable(full) ? full : null;
        }

        // Only a real executable: npm's opencode.cmd shim on Windows can only be started through cmd.exe, and
        // prompts never go through a shell.
        foreach (var directory in (environment("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory.Trim('"'), FileName);
            if (IsExecutable(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    private static OpenCodeUsageException NotFound(string? explicitPath) => explicitPath is not null
        ? new OpenCodeUsageException("OpenCodeNotFound", FailureKind.NotFound,
            $"'{explicitPath}' is not an executable file.", explicitPath)
        : new OpenCodeUsageException("OpenCodeNotFound", FailureKind.NotFound,
            $"{FileName} was not found on PATH. Install OpenCode (https://opencode.ai), or pass -OpenCodePath." +
            (OperatingSystem.IsWindows() ? " With npm's install, that is opencode.exe inside the opencode-windows-* package, not the opencode.cmd shim." : string.Empty),
            FileName);

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
