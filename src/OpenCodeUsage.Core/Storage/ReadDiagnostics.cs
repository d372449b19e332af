namespace OpenCodeUsage.Storage;

/// <summary>What went wrong while reading, without stopping the read: failed stores and skipped rows.</summary>
public sealed class ReadDiagnostics
{
    private readonly List<OpenCodeUsageException> _failures = [];
    private readonly List<string> _warnings = [];
    private readonly List<string> _notes = [];

    /// <summary>Stores that could not be read at all (each becomes one error record).</summary>
    public IReadOnlyList<OpenCodeUsageException> Failures => _failures;

    /// <summary>Things the user should know, e.g. how many malformed rows were skipped and where.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Whether a warning says something that holds for the whole session (models without a price), so a caller
    /// repeating the same question need hear it only once. Told by its text: it is also replayed from memos.
    /// </summary>
    public static bool IsOncePerSession(string warning) =>
        warning.StartsWith(Usage.UsageScan.NoPricesWarning, StringComparison.Ordinal)
        || warning.StartsWith(Usage.UsageScan.UnpricedWarning, StringComparison.Ordinal);

    /// <summary>Decisions worth a -Verbose line, such as a cache file not trusted and read around.</summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void Note(string note) => _notes.Add(note);

    internal void Fail(OpenCodeUsageException failure) => _failures.Add(failure);

    internal void Warn(string warning) => _warnings.Add(warning);
}
