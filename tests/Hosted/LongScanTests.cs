using System.Diagnostics;
using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>A long read shows progress and stops at once when the user presses Ctrl+C (PowerShell.Stop()).</summary>
public sealed class LongScanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-long-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// A few hundred thousand real message rows: the 1.18.33 data set's rows, copied into thousands of sessions
    /// with the sqlite3 shell (this test project deliberately has no SQLite of its own).
    /// </summary>
    private string BigDataDir(int sessions)
    {
        var db = Path.Combine(_dir, "opencode.db");
        File.Copy(Path.Combine(RepoPaths.DataDir("oc-1.18.33"), "opencode.db"), db);
        var sql = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {sessions})
            INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated, path, agent, model)
              SELECT 'ses_big' || printf('%08d', i), project_id, slug, directory, title || ' ' || i, version, time_created + i * 60000, time_updated + i * 60000, path, agent, model
              FROM n, (SELECT * FROM session LIMIT 1);
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {sessions}),
                           k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 4)
            INSERT INTO message (id, session_id, time_created, time_updated, data)
              SELECT 'msg_big' || printf('%08d_%02d_', i, j) || m.id, 'ses_big' || printf('%08d', i), m.time_created + i * 60000 + j * 1000,
                     m.time_updated + i * 60000 + j * 1000, json_set(m.data, '$.time.created', m.time_created + i * 60000 + j * 1000)
              FROM n, k, message m;
            """;
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardError = true };
        start.ArgumentList.Add(db);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return _dir;
    }

    [Fact]
    public void Ctrl_C_stops_a_long_read_within_a_second()
    {
        var data = BigDataDir(sessions: 6000);
        using var engine = new Engine();
        using var ps = engine.CreatePipeline("Get-OpenCodeUsage -DataPath $args[0] -NoCache -GroupBy Session", data);
        var progress = new ManualResetEventSlim();
        ps.Streams.Progress.DataAdded += (_, _) => progress.Set();
        var run = ps.BeginInvoke();
        Assert.True(progress.Wait(TimeSpan.FromSeconds(30)), "no progress was reported");

        var stopwatch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"Stop took {stopwatch.Elapsed}");
        Assert.True(run.IsCompleted);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Contains(ps.Streams.Progress, p => p.StatusDescription.Contains("messages read", StringComparison.Ordinal));
    }

    [Fact]
    public void Progress_of_one_large_database_moves_through_real_percents()
    {
        var data = BigDataDir(sessions: 6000);
        using var engine = new Engine();
        engine.Run("Get-OpenCodeUsage -DataPath $args[0] -NoCache -GroupBy Session | Out-Null", data);
        Assert.Empty(engine.Errors);
        var percents = engine.Progress.Where(p => p.RecordType == ProgressRecordType.Processing).Select(p => p.PercentComplete).ToList();
        Assert.Contains(percents, p => p is > 0 and < 100);
        Assert.Equal(percents.Order(), percents);
    }
}
