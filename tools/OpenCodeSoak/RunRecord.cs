using OpenCodeFixture.Scenario;

namespace OpenCodeSoak;

/// <summary>One finished `opencode run`, kept small: what it said about the database, not all it printed.</summary>
internal sealed record RunRecord(string Phase, string Label, int ExitCode, bool TimedOut, TimeSpan Duration, string? SessionId,
    IReadOnlyList<string> Complaints, string ErrorTail)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    public static RunRecord Of(string phase, OpenCodeRun run)
    {
        var complaints = DatabaseComplaints.Find(run.Process.StandardOutput).Concat(DatabaseComplaints.Find(run.Process.StandardError)).ToList();
        var error = run.Process.StandardError.Trim();
        // OpenCode may fail with an empty stderr and only a JSON error event on stdout.
        var said = error.Length > 0 ? error : string.Join(" ", complaints);
        return new RunRecord(phase, run.Label, run.ExitCode, run.Process.TimedOut, run.Duration, run.SessionId, complaints,
            said.Length > 400 ? said[^400..] : said);
    }
}
