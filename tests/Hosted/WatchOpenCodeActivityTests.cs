using System.Diagnostics;
using System.Management.Automation;
using System.Runtime.Loader;
using System.Text.Json;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Watch-OpenCodeActivity and Export-OpenCodeStats through the real engine, on a copy of real data written to
/// with the sqlite3 shell (this project has no SQLite of its own). Alone in its collection: it counts the
/// process's file watchers, threads and open files.
/// </summary>
[Collection(WatchCollection.Name)]
public sealed class WatchOpenCodeActivityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-watch-hosted-").FullName;

    public WatchOpenCodeActivityTests()
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.DataDir("oc-1.18.33")))
        {
            File.Copy(file, Path.Combine(_dir, Path.GetFileName(file)));
        }
    }

    private string Database => Path.Combine(_dir, "opencode.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A new session with one finished step, written the way OpenCode writes it.</summary>
    private void WriteTurn(string session, long input = 1000, long output = 20) => OpenCodeWrites.Turn(Database, session, input, output);

    /// <summary>Core lives in the module's own load context: its counters are read from there.</summary>
    private static int CoreCounter(string property)
    {
        var core = AssemblyLoadContext.All.SelectMany(c => c.Assemblies).First(a => a.GetName().Name == "OpenCodeUsage.Core");
        return (int)core.GetType("OpenCodeUsage.Activity.ActivityFeed")!.GetProperty(property)!.GetValue(null)!;
    }

    private static int FileWatcherThreads() =>
        Directory.GetDirectories("/proc/self/task").Count(t => File.Exists(Path.Combine(t, "comm")) && ReadQuietly(Path.Combine(t, "comm")).StartsWith(".NET File Watch", StringComparison.Ordinal));

    private static string ReadQuietly(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty; // the thread ended while we looked
        }
    }

    private int OpenHandlesOnTheDatabase() => Directory.GetFiles("/proc/self/fd").Count(fd =>
    {
        try
        {
            return new FileInfo(fd).LinkTarget?.StartsWith(Database, StringComparison.Ordinal) == true;
        }
        catch (IOException)
        {
            return false;
        }
    });

    [Fact]
    public void Stop_returns_within_a_second_and_leaves_no_watch_watcher_thread_or_open_file()
    {
        using var engine = new Engine();
        using var ps = engine.CreatePipeline("Watch-OpenCodeActivity -DataPath $args[0]", _dir);
        var output = new PSDataCollection<PSObject>();
        var arrived = new ManualResetEventSlim();
        output.DataAdded += (_, _) => arrived.Set();
        var run = ps.BeginInvoke<PSObject, PSObject>(null, output);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (CoreCounterOrZero("ActiveCount") == 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(50);
        }

        WriteTurn("ses_hosted_stop");
        Assert.True(arrived.Wait(TimeSpan.FromSeconds(20)), "no event arrived");
        Assert.Equal(1, CoreCounter("ActiveCount"));
        Assert.True(CoreCounter("ActiveFileWatchers") >= 1);

        var stopwatch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"Stop took {stopwatch.Elapsed}");
        Assert.True(run.IsCompleted);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Contains(output, o => o.Properties["SessionId"].Value as string == "ses_hosted_stop");

        Assert.Equal(0, CoreCounter("ActiveCount"));
        Assert.Equal(0, CoreCounter("ActiveFileWatchers"));
        Assert.Equal(0, OpenHandlesOnTheDatabase());
        var settled = DateTime.UtcNow.AddSeconds(2);
        while (FileWatcherThreads() > 0 && DateTime.UtcNow < settled)
        {
            Thread.Sleep(50);
        }

        Assert.Equal(0, FileWatcherThreads());
    }

    private static int CoreCounterOrZero(string property) =>
        AssemblyLoadContext.All.SelectMany(c => c.Assemblies).Any(a => a.GetName().Name == "OpenCodeUsage.Core") ? CoreCounter(property) : 0;

    [Fact]
    public void Count_and_TimeoutSec_end_the_watch_without_an_error()
    {
        using var engine = new Engine();
        var stopwatch = Stopwatch.StartNew();
        Assert.Empty(engine.Run("Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 1", _dir));
        Assert.Empty(engine.Errors);
        Assert.InRange(stopwatch.Elapsed.TotalSeconds, 0.9, 10);

        using var ps = engine.CreatePipeline("Watch-OpenCodeActivity -DataPath $args[0] -Count 2 -TimeoutSec 30", _dir);
        var run = ps.BeginInvoke();
        Thread.Sleep(1500);
        WriteTurn("ses_hosted_count");
        var output = ps.EndInvoke(run);
        Assert.Equal(["SessionCreated", "SessionBusy"], output.Select(o => o.Properties["Kind"].Value.ToString()));
        Assert.All(output, o => Assert.Equal("OpenCodeUsage.ActivityEvent", o.TypeNames[0]));
    }

    [Fact]
    public void Steps_render_in_the_table_view_and_filters_bind()
    {
        using var engine = new Engine(width: 120);
        using var ps = engine.CreatePipeline(
            "Watch-OpenCodeActivity -DataPath $args[0] -SessionId ses_hosted_v* -Project alpha -TimeoutSec 20 | Where-Object Kind -eq StepFinished | Select-Object -First 1 | Out-Default", _dir);
        var run = ps.BeginInvoke();
        Thread.Sleep(1500);
        WriteTurn("ses_hosted_other");
        WriteTurn("ses_hosted_view", 1234, 56);
        ps.EndInvoke(run);
        Assert.Contains("StepFinished", engine.Host.Text, StringComparison.Ordinal);
        Assert.Contains("Hosted watch", engine.Host.Text, StringComparison.Ordinal);
        Assert.Contains("1,290", engine.Host.Text, StringComparison.Ordinal);
        Assert.Contains("mock/mock-fast", engine.Host.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_arguments_fail_with_stable_ids()
    {
        using var engine = new Engine();
        // The same id as Invoke-OpenCodeDelegate -Server: one client, one set of ids.
        Assert.Equal("ServerUriInvalid,OpenCodeUsage.Commands.WatchOpenCodeActivityCommand",
            engine.RunExpectingTermination("Watch-OpenCodeActivity -Server ftp://example.invalid/").FullyQualifiedErrorId);
        var inAddress = engine.RunExpectingTermination("Watch-OpenCodeActivity -Server 'http://opencode:hunter2-secret@127.0.0.1:9/'");
        Assert.Equal("ServerUriInvalid,OpenCodeUsage.Commands.WatchOpenCodeActivityCommand", inAddress.FullyQualifiedErrorId);
        Assert.DoesNotContain("hunter2-secret", inAddress.Exception.Message + inAddress.TargetObject, StringComparison.Ordinal);
        var withPassword = engine.RunExpectingTermination("Watch-OpenCodeActivity -Server 'ftp://opencode:hunter2-secret@example.invalid/'");
        Assert.DoesNotContain("hunter2-secret", withPassword.Exception.Message + withPassword.TargetObject, StringComparison.Ordinal);
        Assert.Contains("ftp://***@example.invalid/", withPassword.Exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("DataDirectoryNotFound",
            engine.RunExpectingTermination("Watch-OpenCodeActivity -DataPath $args[0]", Path.Combine(_dir, "missing")).FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(0.5), engine.Run("(Get-Command Watch-OpenCodeActivity).Parameters['PollInterval'].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] } | ForEach-Object { $_.Transform($ExecutionContext, 0.5) }")[0].BaseObject);
    }

    [Fact]
    public void Export_writes_the_extension_file_and_WhatIf_writes_nothing()
    {
        using var engine = new Engine();
        var path = Path.Combine(_dir, "out", "stats.json");
        engine.Run("Export-OpenCodeStats -Path $args[0] -DataPath $args[1] -WhatIf", path, _dir);
        Assert.False(File.Exists(path));
        var file = Assert.Single(engine.Run("Export-OpenCodeStats -Path $args[0] -DataPath $args[1] -PassThru", path, _dir));
        Assert.Empty(engine.Errors);
        Assert.Equal(path, ((FileInfo)file.BaseObject).FullName);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var expected = Convert.ToInt64(engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -GroupBy Model | Measure-Object TotalTokens -Sum).Sum", _dir)[0].BaseObject, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, json.RootElement.GetProperty("total").GetProperty("totalTokens").GetInt64());
    }

    [Fact]
    public void Piped_events_keep_the_file_fresh_naming_the_watched_session()
    {
        using var engine = new Engine();
        var path = Path.Combine(_dir, "piped.json");
        using var ps = engine.CreatePipeline(
            "Watch-OpenCodeActivity -DataPath $args[0] -TimeoutSec 6 | Export-OpenCodeStats -Path $args[1] -ThrottleSec 1", _dir, path);
        var run = ps.BeginInvoke();
        Thread.Sleep(1500);
        WriteTurn("ses_hosted_pipe", 4000, 100);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!File.Exists(path) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(100);
        }

        Assert.True(File.Exists(path), "the file was not written while the watch ran");
        ps.EndInvoke(run);
        Assert.Empty(ps.Streams.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var session = json.RootElement.GetProperty("session");
        Assert.Equal(4100, session.GetProperty("totalTokens").GetInt64());
        Assert.Equal(4100, session.GetProperty("tokensByModel").GetProperty("mock-fast").GetInt64());
        Assert.False(session.GetProperty("isIdle").GetBoolean());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WatchCollection
{
    public const string Name = "Watch (alone: counts the process's watchers and threads)";
}
