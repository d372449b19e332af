using System.Collections;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// The environment OpenCode runs with: a private HOME and XDG dirs inside the output directory
/// (the user's real OpenCode data, config and credentials are never read or written), no
/// network fetches, and no inherited OPENCODE_* setting that could point it elsewhere.
/// </summary>
static class SandboxEnvironment
{
    /// <summary>Variable changes to apply over the inherited environment; a null value removes the variable.</summary>
    public static Dictionary<string, string?> Build(string outputDirectory, SandboxOptions options)
    {
        var home = Path.Combine(outputDirectory, "home");
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);

        // stricter than make-real-db.sh (which unsets a handful): any OPENCODE_* of the developer's
        // shell (OPENCODE_DB, OPENCODE_CONFIG*, OPENCODE_SERVER_PASSWORD, …) could redirect OpenCode
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("OPENCODE_", StringComparison.Ordinal)) env[name] = null;
        }

        env["HOME"] = home;
        env["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share");
        env["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
        env["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
        env["XDG_STATE_HOME"] = Path.Combine(home, ".local", "state");
        // each `opencode run`/`serve` unpacks a native library into TMPDIR and never deletes it
        env["TMPDIR"] = Path.Combine(outputDirectory, "tmp");
        env["OPENCODE_DISABLE_MODELS_FETCH"] = "1"; // models.dev is unreachable; the bundled snapshot is used
        env["OPENCODE_DISABLE_AUTOUPDATE"] = "1";
        env["OPENCODE_DISABLE_SHARE"] = "1";
        if (options.DisableDefaultPlugins) env["OPENCODE_DISABLE_DEFAULT_PLUGINS"] = "1";
        env[FixtureConfig.MockApiKeyVariable] = FixtureConfig.MockApiKey;

        foreach (var (name, value) in options.ExtraEnvironment) env[name] = value;
        return env;
    }
}
