using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// A FIFO where a file was expected, through the real engine: one error record naming it, the good data beside it
/// unchanged, and a pipeline PowerShell.Stop() can always end (a thread stuck in open(2) on a FIFO cannot be stopped).
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly CorruptCorpus _corpus = new();
    private readonly List<Fifo> _fifos = [];

    public void Dispose()
    {
        ReleaseFifos();
        _corpus.Dispose();
    }

    private void ReleaseFifos()
    {
        foreach (var fifo in _fifos)
        {
            fifo.Dispose();
        }

        _fifos.Clear();
    }

    private string FifoDataDir()
    {
        var dir = _corpus.DataDirWith("fifo", []);
        var db = Path.Combine(dir, "opencode.db");
        File.Delete(db);
        _fifos.Add(new Fifo(db));
        return dir;
    }

    [SkippableFact]
    public void An_opencode_db_that_is_a_FIFO_is_one_error_record_and_the_good_data_is_reported()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var good = _corpus.Copy("oc-1.15.13");
        var fifo = FifoDataDir();
        using var engine = new Engine();
        var alone = Bounded.Run(() => engine.Run("Get-OpenCodeSession -DataPath $args[0]", good).Count);
        var both = Bounded.Run(() => engine.Run("Get-OpenCodeSession -DataPath $args[0], $args[1]", fifo, good).Count);
        var error = Assert.Single(engine.Errors);
        Assert.StartsWith("DatabaseUnreadable,", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ReadError, error.CategoryInfo.Category);
        Assert.Equal(Path.Combine(fifo, "opencode.db"), error.TargetObject);
        Assert.Contains("FIFO", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(alone, both);
    }

    [SkippableTheory]
    [InlineData("Get-OpenCodeUsage -DataPath $args[0]")]
    [InlineData("Get-OpenCodeSession -DataPath $args[0]")]
    [InlineData("Get-OpenCodeUsage -DataPath $args[1] -PricingPath $args[0]")]
    public void A_pipeline_reading_a_FIFO_ends_when_stopped(string script)
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var dir = FifoDataDir();
        var pricing = Path.Combine(dir, "opencode.db");
        var engine = new Engine();
        var ps = engine.CreatePipeline(script, script.Contains("PricingPath", StringComparison.Ordinal) ? pricing : dir, _corpus.Copy("oc-1.15.13"));
        var running = ps.BeginInvoke();
        try
        {
            Thread.Sleep(200);
            var stopping = Task.Run(ps.Stop);
            Assert.True(stopping.Wait(Bounded.Limit), "PowerShell.Stop() did not return");
            Assert.True(running.AsyncWaitHandle.WaitOne(Bounded.Limit), "the pipeline did not end");
        }
        finally
        {
            // Release readers stuck in open(2) first (a read may open the file again), or closing the runspace would
            // wait for them.
            for (var i = 0; i < 100 && !running.IsCompleted; i++)
            {
                _fifos.ForEach(f => f.Release());
                Thread.Sleep(100);
            }

            ReleaseFifos();
            ps.Dispose();
            engine.Dispose();
        }
    }
}
