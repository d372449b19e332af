using System.Diagnostics;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Corpus;

/// <summary>
/// FIFOs, devices and endless files where we expect a regular file: each is refused at once with an error or a
/// warning naming it, never read into memory and never waited on (a FIFO open blocks until a writer comes).
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-special-").FullName;
    private readonly List<Fifo> _fifos = [];

    public void Dispose()
    {
        foreach (var fifo in _fifos)
        {
            fifo.Dispose();
        }

        // After the FIFOs are gone: a reader stuck on one (before the fix) holds the saved reports' lock until then.
        SavedReports.ForgetMemory();
        Directory.Delete(_dir, recursive: true);
    }

    private string MakeFifo(string path)
    {
        var fifo = new Fifo(Path.Combine(_dir, path));
        _fifos.Add(fifo);
        return fifo.Path;
    }

    private static (IReadOnlyList<Session>? Sessions, ReadDiagnostics Diagnostics, OpenCodeUsageException? Error) ReadSessions(string path)
    {
        var diagnostics = new ReadDiagnostics();
        return Bounded.Run<(IReadOnlyList<Session>?, ReadDiagnostics, OpenCodeUsageException?)>(() =>
        {
            try
            {
                return (SessionReader.Read(new SessionQuery { DataPaths = [path], NoCache = true }, TestEnvironment.Isolated, diagnostics, null,
                    CancellationToken.None), diagnostics, null);
            }
            catch (OpenCodeUsageException ex)
            {
                return (null, diagnostics, ex);
            }
        });
    }

    private static void AssertRefusedAsFifo(OpenCodeUsageException? error, ReadDiagnostics diagnostics, string errorId)
    {
        var failure = error ?? Assert.Single(diagnostics.Failures);
        Assert.Equal(errorId, failure.ErrorId);
        Assert.Contains("FIFO", failure.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void DataPath_naming_a_FIFO_is_refused_at_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var fifo = MakeFifo("pipe.db");
        var (_, diagnostics, error) = ReadSessions(fifo);
        AssertRefusedAsFifo(error, diagnostics, "DatabaseUnreadable");
    }

    [SkippableFact]
    public void An_opencode_db_that_is_a_FIFO_is_refused_at_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        MakeFifo(Path.Combine("data", "opencode.db"));
        var (_, diagnostics, error) = ReadSessions(Path.Combine(_dir, "data"));
        AssertRefusedAsFifo(error, diagnostics, "DatabaseUnreadable");
    }

    [SkippableFact]
    public void A_legacy_message_file_that_is_a_FIFO_is_a_warning_and_the_rest_is_read()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var data = Path.Combine(_dir, "legacy");
        CopyTree(RepoPaths.DataDir("oc-1.0.185"), data);
        var messages = Directory.EnumerateFiles(Path.Combine(data, "storage", "message"), "*.json", SearchOption.AllDirectories).First();
        var (expected, _, _) = ReadSessions(data);
        File.Delete(messages);
        MakeFifo(Path.GetRelativePath(_dir, messages));

        var (sessions, diagnostics, error) = ReadSessions(data);
        Assert.Null(error);
        Assert.Equal(expected!.Count, sessions!.Count);
        Assert.Contains(diagnostics.Warnings, w => w.Contains("FIFO", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void A_digest_that_is_a_FIFO_in_the_cache_dir_is_passed_over()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var database = Path.Combine(_dir, "opencode.db");
        var cache = Path.Combine(_dir, "cache");
        MakeFifo(Path.GetRelativePath(_dir, DigestFile.PathFor(cache, database)));
        Assert.Null(Bounded.Run(() => DigestFile.TryLoad(cache, database)));
    }

    [SkippableFact]
    public void A_reports_file_that_is_a_FIFO_is_passed_over()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var cache = Path.Combine(_dir, "reports");
        MakeFifo(Path.Combine("reports", SavedReports.FileName));
        SavedReports.ForgetMemory();
        Assert.Null(Bounded.Run(() => SavedReports.Find(cache, "any")));
    }

    [SkippableFact]
    public void A_warm_session_file_that_is_a_FIFO_is_passed_over()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var store = new WarmSessionStore(MakeFifo(WarmSessionStore.FileName));
        Assert.Null(Bounded.Run(() => store.Get("key")));
    }

    [SkippableFact]
    public void A_pricing_file_that_is_a_FIFO_is_refused_at_once()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var fifo = MakeFifo("prices.json");
        var error = Bounded.Run(() => Record.Exception(() => PriceCatalog.FromFile(fifo)));
        var failure = Assert.IsType<OpenCodeUsageException>(error);
        Assert.Equal("PricingFileInvalid", failure.ErrorId);
        Assert.Contains("FIFO", failure.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void An_auth_file_that_is_a_FIFO_is_one_failure_and_the_other_credentials_are_listed()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        using var home = CredentialSetup.Create();
        File.Delete(home.AuthJson);
        using var fifo = new Fifo(home.AuthJson);
        var diagnostics = new ReadDiagnostics();
        var found = Bounded.Run(() => CredentialCatalog.Find(new CredentialQuery { Directory = home.ProjectSubfolder }, home.Environment, diagnostics, ActivityLog.None));
        AssertRefusedAsFifo(null, diagnostics, "AuthFileUnreadable");
        Assert.Contains(found, c => c.ProviderId == "mock");
    }

    [SkippableTheory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/stdin")]
    [InlineData("fifo")]
    public void A_config_key_read_from_a_device_or_FIFO_is_refused_within_a_bound(string reference)
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        using var home = new TempHome();
        if (reference == "fifo")
        {
            reference = MakeFifo("key.fifo");
        }

        home.Write(Path.Combine(home.Project, "opencode.json"),
            $$"""{ "provider": { "mock": { "options": { "apiKey": "{file:{{reference}}}" } } } }""");
        var diagnostics = new ReadDiagnostics();
        var before = Process.GetCurrentProcess().PeakWorkingSet64;
        var found = Bounded.Run(() => CredentialCatalog.Find(new CredentialQuery { Directory = home.ProjectSubfolder }, home.Environment, diagnostics, ActivityLog.None));
        Assert.DoesNotContain(found, c => c.ProviderId == "mock" && c.Source.Contains("opencode.json", StringComparison.Ordinal));
        var failure = Assert.Single(diagnostics.Failures, f => f.ErrorId == "ConfigReferenceInvalid");
        Assert.Contains(reference, failure.Message, StringComparison.Ordinal);
        // Refused, not read: the peak grows by far less than the secret cap's worth of a 4 GB read.
        Assert.True(Process.GetCurrentProcess().PeakWorkingSet64 - before < 256L << 20);
    }

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }
}
