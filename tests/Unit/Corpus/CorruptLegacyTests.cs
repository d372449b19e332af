using OpenCodeUsage.Storage;
using Xunit;
using static OpenCodeUsage.Tests.Corpus.CorruptDatabaseTests;

namespace OpenCodeUsage.Tests.Corpus;

/// <summary>Broken legacy JSON files (tests/data/corrupt/legacy-overlay): skipped with counted warnings, the rest exact.</summary>
public sealed class CorruptLegacyTests : IDisposable
{
    private readonly CorruptCorpus _corpus = new();

    public void Dispose() => _corpus.Dispose();

    [Fact]
    public void Broken_files_are_counted_in_warnings_and_every_other_session_is_exact()
    {
        var damaged = _corpus.Legacy(damaged: true);
        var reference = Figures(Read(_corpus.Legacy(damaged: false)).Sessions);
        var storage = Path.Combine(damaged, "storage");

        var (sessions, diagnostics) = Read(damaged);

        Assert.Empty(diagnostics.Failures);
        Assert.Contains($"Skipped 3 malformed message row(s) in '{storage}'.", diagnostics.Warnings);
        Assert.Contains(diagnostics.Warnings, w => w.StartsWith($"Skipped unreadable legacy file '{Path.Combine(storage, CorruptCorpus.LegacyDamaged[2])}'", StringComparison.Ordinal));
        Assert.Equal(reference, Figures(sessions));
        Assert.NotEqual(Figures(Read(_corpus.Copy(CorruptCorpus.LegacyDataSet)).Sessions), reference);
    }

    [SkippableFact]
    public void An_unreadable_message_file_is_a_warning_naming_it()
    {
        Skip.If(CorruptCorpus.IsRoot || OperatingSystem.IsWindows(), "root reads files whatever their mode");
        var dir = _corpus.Copy(CorruptCorpus.LegacyDataSet);
        var file = Path.Combine(dir, "storage", CorruptCorpus.LegacyDamaged[0]);
        CorruptCorpus.SetMode(file, UnixFileMode.None);

        var (sessions, diagnostics) = Read(dir);

        Assert.Empty(diagnostics.Failures);
        Assert.Contains(diagnostics.Warnings, w => w.Contains(file, StringComparison.Ordinal));
        Assert.NotEmpty(sessions);
    }
}
