using OpenCodeSoak;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Hosted.Soak;

/// <summary>
/// The short form of the live-writer soak (the long one is bench/soak): four real OpenCode writers against the mock
/// LLM, first alone, then while our cmdlets read in a loop and Watch-OpenCodeActivity watches. Nothing in it
/// depends on speed: a slow machine makes fewer runs, not a failure.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class LiveSoakTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Beside_four_live_writers_we_raise_no_error_no_lock_no_wal_growth_and_end_on_the_databases_figures()
    {
        var binary = LiveOpenCode.Binary();
        var work = Directory.CreateTempSubdirectory("ocu-soak-").FullName;
        try
        {
            var report = await SoakRun.RunAsync(new SoakOptions
            {
                WorkDirectory = work,
                ModulePath = RepoPaths.StagedModule,
                OpenCodeBinary = binary,
                OraclePath = Path.Combine(RepoPaths.TestData, "oracle.py"),
                Baseline = TimeSpan.FromSeconds(20),
                WithUs = TimeSpan.FromSeconds(45),
                Log = output.WriteLine,
            });
            output.WriteLine(report.ToMarkdown());

            Assert.True(report.Problems.Count == 0, string.Join("\n", report.Problems));
            Assert.True(report.WithUs.Runs >= report.Workers, $"only {report.WithUs.Runs} runs finished with us");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

/// <summary>Its own collection: the soak's four OpenCode processes need no company from other live tests.</summary>
[CollectionDefinition(Name)]
public sealed class SoakCollection
{
    public const string Name = "Live soak";
}
