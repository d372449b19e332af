using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// The runner against a stand-in for a 2.x <c>opencode</c> (no 2.x binary with <c>run</c> can be installed): it
/// reports 2.0.12, answers a missing <c>--session</c> as 2.x's run does (one JSON error event, "Session not found",
/// exit 1; packages/cli/src/run/run.ts reportRunError), and otherwise prints a real successful run.
/// </summary>
public sealed class Cli2StandInTests : IDisposable
{
    private const string Gone = "ses_0000000000000000000000000";
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-cli2-").FullName;

    [SkippableFact]
    public async Task A_warm_session_2x_no_longer_knows_is_replaced()
    {
        Skip.If(OperatingSystem.IsWindows(), "a bash stand-in");
        var project = Directory.CreateDirectory(Path.Combine(_dir, "project")).FullName;
        var ok = Path.Combine(RepoPaths.TestData, "delegate-1.18.33", "success-smart.jsonl");
        var program = Path.Combine(_dir, "opencode");
        File.WriteAllText(program, $$$"""
            #!/bin/bash
            if [ "$1" = "--version" ]; then echo 2.0.12; exit 0; fi
            cat > /dev/null
            echo "$*" >> '{{{_dir}}}/argv'
            case " $* " in
              *" --session {{{Gone}}} "*) echo '{"type":"error","timestamp":1,"sessionID":"","error":{"type":"unknown","message":"Session not found"}}'; exit 1 ;;
              *) cat '{{{ok}}}' ;;
            esac

            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var environment = new DelegateEnvironment(new Dictionary<string, string?> { ["XDG_STATE_HOME"] = Path.Combine(_dir, "state") });
        var store = new WarmSessionStore(WarmSessionStore.DefaultPath(environment.Get));
        var key = WarmSessionStore.KeyFor(project, null, null);
        store.Set(key, Gone);
        var runner = new OpenCodeRunner(program, new DelegateOptions { Environment = environment });

        var result = await runner.RunAsync(DelegateTask.From(new DelegateRequest { Prompt = "after the warm session vanished", Directory = project }),
            CancellationToken.None);

        Assert.True(result.Status == DelegateStatus.Succeeded, $"{result.Status} {result.FailureKind}: {result.Error}");
        Assert.NotEqual(Gone, result.ForkedFrom);
        Assert.Equal(result.ForkedFrom, store.Get(key));
        Assert.Equal(
            [$"run --format json --session {Gone} --fork", "run --format json --title OpenCodeUsage warm session", $"run --format json --session {result.ForkedFrom} --fork"],
            File.ReadAllLines(Path.Combine(_dir, "argv")));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
