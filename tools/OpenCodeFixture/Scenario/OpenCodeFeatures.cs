using System.Text.RegularExpressions;
using OpenCodeFixture.Processes;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// What this OpenCode binary can do, read from its <c>--help</c> like make-real-db.sh, so the
/// same scenario runs on old versions (1.0 has no <c>run --fork</c>: the fork goes over HTTP).
/// </summary>
public sealed record OpenCodeFeatures(
    string Version,
    bool RunHasFork,
    bool RunHasFormat,
    bool RunHasSession,
    bool HasServe,
    bool HasStats,
    bool HasDbCommand)
{
    static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    public static async Task<OpenCodeFeatures> ProbeAsync(string binary, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, CancellationToken ct)
    {
        async Task<string> Output(params string[] args)
        {
            var result = await ProcessRunner.RunAsync(
                ProcessRunner.StartInfo(binary, args, workingDirectory, environment), ProbeTimeout, ct);
            return result.StandardOutput + result.StandardError;
        }

        var version = (await Output("--version"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault() ?? "";
        var topHelp = await Output("--help");
        var runHelp = await Output("run", "--help");

        bool RunFlag(string flag) => Regex.IsMatch(runHelp, $"--{flag}([^a-z-]|$)", RegexOptions.Multiline);
        bool Command(string name) => Regex.IsMatch(topHelp, $"^ +opencode {name}( |$)", RegexOptions.Multiline);
        return new OpenCodeFeatures(version, RunFlag("fork"), RunFlag("format"), RunFlag("session"),
            Command("serve"), Command("stats"), Command("db"));
    }

    /// <summary>The features.txt lines make-real-db.sh writes.</summary>
    public string Describe(string binary, string forkMode, bool serveSession) => string.Join('\n',
        $"version={Version}",
        $"bin={binary}",
        $"run --fork={Bit(RunHasFork)}  run --format={Bit(RunHasFormat)}  run --session={Bit(RunHasSession)}",
        $"serve={Bit(HasServe)}  stats={Bit(HasStats)}  db-cmd={Bit(HasDbCommand)}",
        $"fork mode used={forkMode}  serve session={Bit(serveSession)}") + "\n";

    static int Bit(bool value) => value ? 1 : 0;
}
