namespace OpenCodeSoak;

/// <summary>One phase of the workload: how long it ran, what OpenCode did, how large its -wal grew, what it complained of.</summary>
public sealed record PhaseFigures(
    string Name,
    TimeSpan Duration,
    int Runs,
    int FailedRuns,
    int SessionsStarted,
    long MaxWalBytes,
    long WalSamples,
    long SamplesWithWal,
    IReadOnlyList<string> Complaints,
    IReadOnlyList<string> LoggedErrors,
    IReadOnlyList<string> Failures)
{
    internal static PhaseFigures Of(string name, TimeSpan duration, IReadOnlyList<RunRecord> runs, WalSampler wal, IReadOnlyList<string> logLines) =>
        new(name, duration, runs.Count, runs.Count(r => !r.Succeeded),
            runs.Select(r => r.SessionId).Where(s => s is not null).Distinct().Count(),
            wal.MaxBytes, wal.Samples, wal.SamplesWithWal,
            [.. runs.SelectMany(r => r.Complaints.Select(c => r.Label + ": " + c)), .. logLines.Where(DatabaseComplaints.IsComplaint)],
            [.. logLines.Where(DatabaseComplaints.IsLoggedError)],
            [.. runs.Where(r => !r.Succeeded).Select(r => $"{r.Label}: exit {r.ExitCode}{(r.TimedOut ? " (timed out)" : "")} {r.ErrorTail}")]);
}
