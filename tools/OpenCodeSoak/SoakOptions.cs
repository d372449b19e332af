namespace OpenCodeSoak;

/// <summary>What one soak runs: the same OpenCode workload first alone (the baseline), then beside our cmdlets.</summary>
public sealed record SoakOptions
{
    /// <summary>Everything the soak writes goes here: OpenCode's sandbox (home, projects, runs) and our cache.</summary>
    public required string WorkDirectory { get; init; }

    /// <summary>The staged module folder (artifacts/module/OpenCodeUsage) or its .psd1.</summary>
    public required string ModulePath { get; init; }

    /// <summary>The OpenCode binary; null means OpenCodeCli.Find().</summary>
    public string? OpenCodeBinary { get; init; }

    /// <summary>tests/data/oracle.py: the independent reading of the database the final figures are checked against.</summary>
    public required string OraclePath { get; init; }

    /// <summary>How long the workload runs alone, to learn how large OpenCode lets its -wal grow without us.</summary>
    public TimeSpan Baseline { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the workload runs while our cmdlets read and watch.</summary>
    public TimeSpan WithUs { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Concurrent OpenCode writers, each running one `opencode run` after another.</summary>
    public int Workers { get; init; } = 4;

    /// <summary>A breath between two of our calls, so the loop is a heavy user rather than a busy-wait on 2 cores.</summary>
    public TimeSpan ReaderPause { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the -wal file's size is sampled (a stat, never an open: see WalSampler).</summary>
    public TimeSpan WalSampleInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How much larger than without us the -wal may get before it counts as growth we caused. OpenCode's -wal levels
    /// off near SQLite's auto-checkpoint size (1000 pages, about 4 MiB): the file starts over from its beginning
    /// once a checkpoint has copied every frame back and no reader still reads one. A reader mid-read at that moment
    /// (one of the OpenCode processes, or one of our short reads) lets the next commits append a few more frames
    /// first, so the peak overshoots by a transaction or two (about 50 frames, 200 KB, each) by timing alone.
    /// A reader that held its snapshot would instead make the file grow with everything written.
    /// </summary>
    public long WalMarginBytes { get; init; } = 1024 * 1024;

    /// <summary>Negative control: hold a read snapshot open through the phase with us (see SnapshotPin); the soak must fail.</summary>
    public bool PinSnapshot { get; init; }

    /// <summary>Negative control: hold the write lock for 8 s, 10 s into the phase with us (see WriteLockHold); the soak must fail.</summary>
    public bool HoldWriteLock { get; init; }

    /// <summary>When set, every watch event is written to this file too (bench/soak's --keep puts it in the sandbox).</summary>
    public string? WatchEventLog { get; init; }

    /// <summary>When set, the digest cache goes here (OPENCODEUSAGE_CACHE_DIR, set for the whole process).</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Progress lines; null for none.</summary>
    public Action<string>? Log { get; init; }
}
