namespace OpenCodeUsage.Discovery;

/// <summary>
/// Where OpenCode keeps things, found the way OpenCode finds them: XDG base directories on every platform
/// (Windows included, as OpenCode's xdg-basedir does), and its config files in OpenCode's merge order.
/// </summary>
public static class OpenCodePaths
{
    /// <summary>The user's home: HOME where set (not on Windows, where OpenCode uses the profile folder).</summary>
    public static string Home(Func<string, string?> environment) =>
        environment("HOME") is { Length: > 0 } home && !OperatingSystem.IsWindows()
            ? home
            : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>$XDG_DATA_HOME/opencode, else ~/.local/share/opencode.</summary>
    public static string DataDirectory(Func<string, string?> environment) =>
        Path.Combine(Xdg(environment, "XDG_DATA_HOME", ".local", "share"), "opencode");

    /// <summary>$XDG_CONFIG_HOME, else ~/.config: the root under which OpenCode and this module keep config.</summary>
    public static string ConfigHome(Func<string, string?> environment) => Xdg(environment, "XDG_CONFIG_HOME", ".config");

    /// <summary>OpenCode's global config directory, $XDG_CONFIG_HOME/opencode.</summary>
    public static string ConfigDirectory(Func<string, string?> environment) => Path.Combine(ConfigHome(environment), "opencode");

    /// <summary>$XDG_CACHE_HOME, else ~/.cache: the root under which OpenCode and this module keep caches.</summary>
    public static string CacheHome(Func<string, string?> environment) => Xdg(environment, "XDG_CACHE_HOME", ".cache");

    /// <summary>OpenCode's cached models.dev catalogue, $XDG_CACHE_HOME/opencode/models.json.</summary>
    public static string ModelsCache(Func<string, string?> environment) =>
        Path.Combine(CacheHome(environment), "opencode", "models.json");

    /// <summary>The global config files and OPENCODE_CONFIG, lowest precedence first.</summary>
    public static IEnumerable<string> GlobalConfigFiles(Func<string, string?> environment)
    {
        var config = ConfigDirectory(environment);
        yield return Path.Combine(config, "config.json");
        yield return Path.Combine(config, "opencode.json");
        yield return Path.Combine(config, "opencode.jsonc");
        if (environment("OPENCODE_CONFIG") is { Length: > 0 } custom)
        {
            yield return custom;
        }
    }

    /// <summary>
    /// Every config file OpenCode merges for a project in <paramref name="directory"/>, lowest precedence first:
    /// the global files, OPENCODE_CONFIG, the project's opencode.jsonc then opencode.json files from the worktree
    /// root down to the directory, then OPENCODE_CONFIG_DIR's. Only existing files; OPENCODE_CONFIG_CONTENT,
    /// which is not a file, comes after all of them.
    /// </summary>
    public static IReadOnlyList<string> ConfigFiles(Func<string, string?> environment, string? directory)
    {
        var files = new List<string>(GlobalConfigFiles(environment));
        if (directory is not null)
        {
            var upward = ProjectDirectories(directory);
            // OpenCode merges all opencode.jsonc files, then all opencode.json files, each from the root down.
            foreach (var name in new[] { "opencode.jsonc", "opencode.json" })
            {
                files.AddRange(upward.AsEnumerable().Reverse().Select(d => Path.Combine(d, name)));
            }
        }

        if (environment("OPENCODE_CONFIG_DIR") is { Length: > 0 } configDir)
        {
            files.Add(Path.Combine(configDir, "opencode.jsonc"));
            files.Add(Path.Combine(configDir, "opencode.json"));
        }

        // A relative OPENCODE_CONFIG or OPENCODE_CONFIG_DIR is relative to where OpenCode starts: the directory given.
        return files.Select(f => directory is null ? Path.GetFullPath(f) : Path.GetFullPath(f, directory))
            .Distinct(PathComparer).Where(File.Exists).ToList();
    }

    /// <summary>The directory and its parents up to the git worktree root (the first holding .git), nearest first.</summary>
    internal static IReadOnlyList<string> ProjectDirectories(string directory)
    {
        var found = new List<string>();
        for (var dir = new DirectoryInfo(Path.GetFullPath(directory)); dir is not null; dir = dir.Parent)
        {
            found.Add(dir.FullName);
            // A worktree's .git is a file, a repository's a folder; either ends the walk, as in OpenCode.
            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                break;
            }
        }

        return found;
    }

    private static StringComparer PathComparer => OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    private static string Xdg(Func<string, string?> environment, string variable, params string[] fallback) =>
        environment(variable) is { Length: > 0 } value && Path.IsPathRooted(value)
            ? value
            : Path.Combine([Home(environment), .. fallback]);
}
