using OpenCodeUsage.Delegation;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>
/// A run of the real OpenCode 1.18.33 CLI, captured in tests/data/delegate-1.18.33 (stdout as .jsonl, stderr as
/// .err), fed line by line through the same readers a live run uses.
/// </summary>
internal static class CapturedRun
{
    public static string Directory => Path.Combine(RepoPaths.TestData, "delegate-1.18.33");

    public static RunTranscript Events(string name)
    {
        var events = new RunTranscript();
        foreach (var line in File.ReadLines(Path.Combine(Directory, name + ".jsonl")))
        {
            events.Feed(line);
        }

        return events;
    }

    public static RunLog Log(string name)
    {
        var log = new RunLog();
        foreach (var line in File.ReadLines(Path.Combine(Directory, name + ".err")))
        {
            log.Feed(line);
        }

        return log;
    }

    /// <summary>The outcome as the process runner reports it: exit code as captured, a kill for the timed-out runs.</summary>
    public static ProcessOutcome Outcome(string name, int exitCode, bool timedOut = false) =>
        new(Events(name), Log(name), exitCode, timedOut, false, null, TimeSpan.FromSeconds(1));
}
