namespace OpenCodeSoak;

/// <summary>
/// Samples the size of OpenCode's -wal file on a timer. Only stat() is used: opening the -wal, -shm or database
/// from this process could close the module's SQLite's POSIX locks on them (closing any descriptor of a file drops
/// every lock the process holds on it), which is the very harm the soak looks for.
/// </summary>
internal sealed class WalSampler : IDisposable
{
    private readonly string _wal;
    private readonly Timer _timer;
    private long _max;
    private long _samples;
    private long _present;
    private int _disposed;

    public WalSampler(string databasePath, TimeSpan interval)
    {
        _wal = databasePath + "-wal";
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);
    }

    public long MaxBytes => Interlocked.Read(ref _max);

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>Samples that found a -wal file (OpenCode's last connection to close removes it).</summary>
    public long SamplesWithWal => Interlocked.Read(ref _present);

    private void Sample()
    {
        var info = new FileInfo(_wal);
        Interlocked.Increment(ref _samples);
        if (!info.Exists)
        {
            return;
        }

        Interlocked.Increment(ref _present);
        var size = info.Length;
        long seen;
        while (size > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, size, seen) != seen)
        {
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        using var done = new ManualResetEvent(false);
        _timer.Dispose(done);
        done.WaitOne();
        Sample(); // the last size, after the writers stopped
    }
}
