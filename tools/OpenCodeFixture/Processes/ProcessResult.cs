namespace OpenCodeFixture.Processes;

/// <summary>How one child process ended and what it printed.</summary>
/// <param name="ExitCode">The exit code; after a kill it is whatever the OS reports for the signal.</param>
/// <param name="TimedOut">True when the process (and its children) were killed for running too long.</param>
public sealed record ProcessResult(
    string FileName,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    int ExitCode,
    bool TimedOut,
    TimeSpan Duration,
    string StandardOutput,
    string StandardError)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>Standard output split into non-empty lines (OpenCode's --format json prints one event per line).</summary>
    public IReadOnlyList<string> OutputLines =>
        StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
