namespace OpenCodeUsage.Tests;

/// <summary>
/// A throwaway home directory with OpenCode's layout, and the environment that points everything at it: every
/// variable the credential and quota code reads is set or cleared here, so the machine's own OpenCode setup
/// (and any real key in the environment) never takes part in a test.
/// </summary>
internal sealed class TempHome : IDisposable
{
    /// <summary>Variables that must not leak in from the machine running the tests.</summary>
    private static readonly string[] Cleared =
    [
        "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "OPENCODE_DB", "OPENCODE_CONFIG", "OPENCODE_CONFIG_DIR",
        "OPENCODE_CONFIG_CONTENT", "OPENCODE_AUTH_CONTENT", "OPENCODE_API_KEY", "OPENCODE_GO_WORKSPACE_ID", "OPENCODE_GO_AUTH_COOKIE",
        "ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "MOCK_API_KEY", "OPENAI_API_KEY",
    ];

    public TempHome()
    {
        Root = Directory.CreateTempSubdirectory("ocu-home-").FullName;
        Variables = Cleared.ToDictionary(v => v, _ => (string?)null);
        Variables["HOME"] = Root;
        // The digest cache is written in the background: keep it out of a home that is deleted after the test.
        Variables["OPENCODEUSAGE_CACHE_DIR"] = TestEnvironment.CacheDirectory;
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
        Directory.CreateDirectory(ProjectSubfolder);
    }

    public string Root { get; }

    /// <summary>Set a value to null to have it unset.</summary>
    public Dictionary<string, string?> Variables { get; }

    public string DataDir => Path.Combine(Root, ".local", "share", "opencode");

    public string ConfigDir => Path.Combine(Root, ".config", "opencode");

    public string ModelsJson => Path.Combine(Root, ".cache", "opencode", "models.json");

    public string AuthJson => Path.Combine(DataDir, "auth.json");

    /// <summary>The module's own Go cookie file.</summary>
    public string GoCookieFile => Path.Combine(Root, ".config", "OpenCodeUsage", "opencode-go.json");

    /// <summary>A git worktree root (it has a .git folder).</summary>
    public string Project => Path.Combine(Root, "work", "project");

    public string ProjectSubfolder => Path.Combine(Project, "src", "app");

    public Func<string, string?> Environment => name => Variables.GetValueOrDefault(name);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> (relative paths are under the home), with a Unix mode (default 0600).</summary>
    public string Write(string path, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        path = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
