using System.Diagnostics;
using OpenCodeFixture.Scenario;

namespace OpenCodeSoak;

/// <summary>
/// The soak: OpenCode's workload alone (the baseline), then the same workload while our cmdlets read in a loop and
/// Watch-OpenCodeActivity watches, then our final figures against the database's.
/// </summary>
public static class SoakRun
{
    /// <summary>After the writers stop, how long the watch may take to report the last steps. Generous: a busy machine.</summary>
    private static readonly TimeSpan WatchCatchUp = TimeSpan.FromSeconds(90);

    /// <summary>Lets the watch read the database as it stands before the writers start again.</summary>
    private static readonly TimeSpan WatchSettle = TimeSpan.FromSeconds(3);

    public static async Task<SoakReport> RunAsync(SoakOptions options, CancellationToken ct = default)
    {
        var log = options.Log ?? (_ => { });
        var started = DateTimeOffset.UtcNow;
        var load = LoadAverage();
        if (options.CacheDirectory is not null)
        {
            Environment.SetEnvironmentVariable("OPENCODEUSAGE_CACHE_DIR", options.CacheDirectory);
        }

        await using var sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions
        {
            OutputDirectory = Path.Combine(options.WorkDirectory, "sandbox"),
            OpenCodeBinary = options.OpenCodeBinary,
        }, ct);
        var version = (await sandbox.GetFeaturesAsync(ct)).Version;
        log($"OpenCode {version} in {sandbox.OutputDirectory}");

        // The first run creates the database and applies OpenCode's migrations: not part of either phase.
        var first = await sandbox.PromptAsync("alpha", FixtureConfig.FastModel, "warm up", ct: ct);
        if (!first.Succeeded)
        {
            throw new InvalidOperationException("the first opencode run failed: " + first.Process.StandardError);
        }

        // The warm-up's log lines count with the baseline's: both are OpenCode without us.
        var logRead = new Dictionary<string, long>(StringComparer.Ordinal);
        var workload = new OpenCodeWorkload(sandbox, options.Workers);

        log($"baseline: {options.Workers} workers for {options.Baseline.TotalSeconds:0} s, nothing of ours running");
        var baseline = await PhaseAsync("baseline", options.Baseline, workload, sandbox, options, logRead, ct);
        var beforeUs = await DatabaseRows.CountsAsync(sandbox.DatabasePath, ct);
        const int WalHeader = 32, FrameHeader = 24, AutoCheckpointPages = 1000;
        var checkpointBytes = WalHeader + AutoCheckpointPages * (await DatabaseRows.PageSizeAsync(sandbox.DatabasePath, ct) + FrameHeader);
        log($"baseline: {baseline.Runs} runs, max -wal {baseline.MaxWalBytes} bytes");

        using var readerRunspace = new ModuleRunspace(options.ModulePath);
        using var watchRunspace = new ModuleRunspace(options.ModulePath);
        var watchStartMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var watch = new WatchRecorder(watchRunspace, sandbox.DataDirectory, options.WatchEventLog);
        var readers = new ReaderLoop(readerRunspace, sandbox.DataDirectory, sandbox.ConfigFile, options.ReaderPause);
        using var stopReaders = new CancellationTokenSource();
        var loop = readers.RunAsync(stopReaders.Token);
        PhaseFigures withUs;
        try
        {
            await Task.Delay(WatchSettle, ct);
            log($"with us: {options.Workers} workers for {options.WithUs.TotalSeconds:0} s, our cmdlets in a loop, the watch watching");
            using (options.PinSnapshot ? new SnapshotPin(sandbox.DatabasePath) : null)
            {
                var locking = options.HoldWriteLock
                    ? WriteLockHold.RunAsync(sandbox.DatabasePath, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(8), ct)
                    : Task.CompletedTask;
                withUs = await PhaseAsync("with-us", options.WithUs, workload, sandbox, options, logRead, ct);
                await locking;
            }
        }
        finally
        {
            // Also on failure: the loop must be done with its runspace before the runspace is disposed.
            await stopReaders.CancelAsync();
            await loop;
        }

        log($"with us: {withUs.Runs} runs, max -wal {withUs.MaxWalBytes} bytes, {readers.Rounds} rounds of our calls, {watch.Events} watch events");

        // Nothing writes from here on: OpenCode's rows are final.
        var written = await DatabaseRows.CountsAsync(sandbox.DatabasePath, ct);
        var columns = await DatabaseRows.SessionColumnsAsync(sandbox.DatabasePath, ct);
        var oracle = await Oracle.RunAsync(options.OraclePath, sandbox.DataDirectory, ct);
        var tools = await DatabaseRows.ToolPartsAsync(sandbox.DatabasePath, ct);
        var comparisons = new List<Comparison>
        {
            FinalComparison.Sessions(readers.Invoke(ReaderLoop.Commands[0]), columns),
            FinalComparison.Usage("Get-OpenCodeUsage -GroupBy Day -TimeZone UTC vs oracle (day-utc rows, total)",
                readers.Invoke("Get-OpenCodeUsage -GroupBy Day -TimeZone UTC -DataPath $args[0] -PricingPath $args[1]"), oracle, "day-utc", FinalComparison.Day),
            FinalComparison.Usage("Get-OpenCodeUsage -GroupBy Session vs oracle (session rows, total)",
                readers.Invoke(ReaderLoop.Commands[2]), oracle, "session", FinalComparison.SessionKey),
            await WatchComparisonAsync(watch, oracle, columns, tools, watchStartMs, ct),
        };
        watch.Stop();

        return new SoakReport
        {
            Started = started,
            OpenCodeVersion = version,
            Workers = options.Workers,
            Baseline = baseline,
            WithUs = withUs,
            Written = written,
            WrittenWithUs = new WrittenCounts(written.Sessions - beforeUs.Sessions, written.SubagentSessions - beforeUs.SubagentSessions,
                written.Forks - beforeUs.Forks, written.MessageRows - beforeUs.MessageRows, written.AssistantMessages - beforeUs.AssistantMessages,
                written.Parts - beforeUs.Parts),
            ReaderRounds = readers.Rounds,
            ReaderCalls = readers.Calls,
            ReaderObjects = readers.ObjectsReceived,
            OurErrors = readers.Problems.Errors + watch.Problems.Errors,
            OurWarnings = readers.Problems.Warnings + watch.Problems.Warnings,
            OurProblemSamples = [.. readers.Problems.Samples, .. watch.Problems.Samples],
            WatchEvents = watch.Events,
            WatchEventsByKind = watch.EventsByKind,
            Comparisons = comparisons,
            WalMarginBytes = options.WalMarginBytes,
            WalCheckpointBytes = checkpointBytes,
            Load = load + " at the start, " + LoadAverage() + " at the end",
        };
    }

    private static async Task<PhaseFigures> PhaseAsync(string name, TimeSpan duration, OpenCodeWorkload workload, OpenCodeSandbox sandbox,
        SoakOptions options, Dictionary<string, long> logRead, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<RunRecord> runs;
        using (var wal = new WalSampler(sandbox.DatabasePath, options.WalSampleInterval))
        {
            runs = await workload.RunAsync(name, duration, ct);
            wal.Dispose(); // stops sampling before the figures are taken (disposing twice is harmless)
            return PhaseFigures.Of(name, clock.Elapsed, runs, wal, DatabaseComplaints.NewLogLines(sandbox.DataDirectory, logRead));
        }
    }

    /// <summary>The watch reports what OpenCode committed a moment later: compare until equal, or until it had ample time.</summary>
    private static async Task<Comparison> WatchComparisonAsync(WatchRecorder watch, Oracle oracle,
        IReadOnlyDictionary<string, (Figures Figures, long Created)> columns, IReadOnlyList<(string PartId, string SessionId, string Status)> tools,
        long watchStartMs, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var comparison = FinalComparison.Watch(watch, oracle, columns, tools, watchStartMs);
            if (comparison.Equal || deadline.Elapsed > WatchCatchUp)
            {
                return comparison;
            }

            await Task.Delay(500, ct);
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }
}
