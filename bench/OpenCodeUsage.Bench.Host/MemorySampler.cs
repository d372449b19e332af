namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// Samples the process's working set and managed heap every few milliseconds while one command runs, so
/// each command gets its own peak (the process-wide peak working set only ever grows).
/// </summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peakWorkingSet;
    private long _peakManaged;

    public MemorySampler()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "memory sampler" };
        _thread.Start();
    }

    public double PeakWorkingSetMb => Interlocked.Read(ref _peakWorkingSet) / 1048576.0;
    public double PeakManagedMb => Interlocked.Read(ref _peakManaged) / 1048576.0;

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        Sample(); // one last look after the command finished
    }

    private void Run()
    {
        while (!_stop)
        {
            Sample();
            Thread.Sleep(5);
        }
    }

    private void Sample()
    {
        // Environment.WorkingSet reads /proc/self/statm on Linux: cheap enough to poll.
        Max(ref _peakWorkingSet, Environment.WorkingSet);
        Max(ref _peakManaged, GC.GetTotalMemory(forceFullCollection: false));
    }

    private static void Max(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }
}
