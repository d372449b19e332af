using OpenCodeFixture.Processes;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// Makes the fixture's git projects. OpenCode's project id is the repository's root commit, so
/// a fixed README, identity, date and message give the same ids on every machine.
/// </summary>
static class GitProjects
{
    static readonly TimeSpan GitTimeout = TimeSpan.FromSeconds(60);

    public static async Task CreateAsync(string directory, string project,
        IReadOnlyDictionary<string, string?> environment, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var env = new Dictionary<string, string?>(environment)
        {
            ["GIT_AUTHOR_NAME"] = FixtureConfig.GitIdentity,
            ["GIT_AUTHOR_EMAIL"] = FixtureConfig.GitEmail,
            ["GIT_COMMITTER_NAME"] = FixtureConfig.GitIdentity,
            ["GIT_COMMITTER_EMAIL"] = FixtureConfig.GitEmail,
            ["GIT_AUTHOR_DATE"] = FixtureConfig.GitDate,
            ["GIT_COMMITTER_DATE"] = FixtureConfig.GitDate,
            ["GIT_CONFIG_NOSYSTEM"] = "1", // a system-wide signing or hook setting must not change the commit
        };

        // a reused output directory keeps its projects, and so its project ids (the .git check
        // keeps an enclosing repository, say the output dir sits inside a checkout, from counting)
        if (Directory.Exists(Path.Combine(directory, ".git"))
            && (await GitAsync(directory, env, ct, "rev-parse", "-q", "--verify", "HEAD")).Succeeded)
            return;

        await File.WriteAllTextAsync(Path.Combine(directory, "README.md"), FixtureConfig.ProjectReadme(project), ct);
        await RequireAsync(directory, env, ct, "init", "-q");
        await RequireAsync(directory, env, ct, "add", "README.md");
        await RequireAsync(directory, env, ct, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "init " + project);
    }

    static async Task RequireAsync(string directory, IReadOnlyDictionary<string, string?> env, CancellationToken ct, params string[] args)
    {
        var result = await GitAsync(directory, env, ct, args);
        if (!result.Succeeded)
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed in {directory}: {result.StandardError.Trim()}");
    }

    static Task<ProcessResult> GitAsync(string directory, IReadOnlyDictionary<string, string?> env, CancellationToken ct, params string[] args) =>
        ProcessRunner.RunAsync(ProcessRunner.StartInfo("git", args, directory, env), GitTimeout, ct);
}
