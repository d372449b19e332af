using System.Globalization;
using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Get-OpenCodeToolUsage and the speed figures of Get-OpenCodeUsage on every real data set with tool calls, against
/// tests/data/tool_oracle.py's counts over the raw parts and rows (fork copies once, by oracle_v2.py's rules).
/// </summary>
public sealed class ToolUsageTests
{
    public static IEnumerable<object[]> DataSetsWithTools =>
        Directory.EnumerateFiles(RepoPaths.TestData, "expected-tools.tsv", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.TestData, Path.GetDirectoryName(f)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Append(DataSets.SampleName)
            .Select(n => new object[] { n });

    private static List<string[]> Expected(string dataSet, string grouping) =>
        File.ReadAllLines(Path.Combine(DataSets.Folder(dataSet), "expected-tools.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(f => f[0] == grouping).ToList();

    private static T V<T>(PSObject o, string name) => (T)o.Properties[name].Value!;

    [Theory]
    [MemberData(nameof(DataSetsWithTools))]
    public void Tool_figures_equal_the_oracle(string dataSet)
    {
        var want = Expected(dataSet, "tool");
        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeToolUsage -DataPath $args[0] -NoCache", Path.Combine(DataSets.Folder(dataSet), "opencode"))
            .OrderBy(r => (string)r.Properties["Tool"].Value, StringComparer.Ordinal).ToList();
        Assert.Empty(engine.Errors);
        Assert.Equal(want.Select(w => w[1]), rows.Select(r => (string)r.Properties["Tool"].Value));
        foreach (var (w, r) in want.Zip(rows))
        {
            Assert.Equal(int.Parse(w[2], CultureInfo.InvariantCulture), V<int>(r, "Calls"));
            Assert.Equal(int.Parse(w[3], CultureInfo.InvariantCulture), V<int>(r, "Failures"));
            Assert.Equal(int.Parse(w[4], CultureInfo.InvariantCulture), V<int>(r, "Unfinished"));
            Assert.Equal(long.Parse(w[5], CultureInfo.InvariantCulture), (long)V<TimeSpan>(r, "Duration").TotalMilliseconds);
            Assert.Equal(long.Parse(w[6], CultureInfo.InvariantCulture), V<long>(r, "OutputBytes"));
            Assert.Equal(int.Parse(w[7], CultureInfo.InvariantCulture), V<int>(r, "Sessions"));
        }
    }

    [Theory]
    [MemberData(nameof(DataSetsWithTools))]
    public void Generation_time_and_tokens_per_second_equal_the_oracle(string dataSet)
    {
        var want = Expected(dataSet, "speed").ToDictionary(w => w[1], StringComparer.Ordinal);
        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Model -NoCache", Path.Combine(DataSets.Folder(dataSet), "opencode"))
            .ToList();
        foreach (var row in rows)
        {
            var model = $"{V<string>(row, "ProviderId")}/{V<string>(row, "ModelId")}";
            if (!want.TryGetValue(model, out var w))
            {
                Assert.Null(V<TimeSpan?>(row, "GenerationTime"));
                Assert.Null(V<double?>(row, "TokensPerSecond"));
                continue;
            }

            var ms = long.Parse(w[3], CultureInfo.InvariantCulture);
            var tokens = long.Parse(w[4], CultureInfo.InvariantCulture);
            Assert.Equal(ms, (long)V<TimeSpan?>(row, "GenerationTime")!.Value.TotalMilliseconds);
            Assert.Equal(tokens * 1000.0 / ms, V<double?>(row, "TokensPerSecond")!.Value, 9);
            long input = V<long>(row, "InputTokens"), read = V<long>(row, "CacheReadTokens"), write = V<long>(row, "CacheWriteTokens");
            Assert.Equal(input + read + write == 0 ? null : (double)read / (input + read + write), V<double?>(row, "CacheHitRate"));
        }

        Assert.Equal(want.Keys.Order(StringComparer.Ordinal),
            rows.Where(r => V<TimeSpan?>(r, "GenerationTime") is not null).Select(r => $"{V<string>(r, "ProviderId")}/{V<string>(r, "ModelId")}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_forks_copied_history_adds_no_calls_unless_asked()
    {
        // v2/native forks the session that called edit; oc-1.18.33 forks session 1 (no tools). The fork copies rows
        // with content[]: counted once, and once more with -IncludeForkCopies.
        using var engine = new Engine();
        var data = V2DataSets.DataDir("v2/native");
        int Calls(string extra) => engine.Run($"Get-OpenCodeToolUsage -DataPath $args[0] -NoCache {extra}", data)
            .Sum(r => V<int>(r, "Calls"));
        var once = Calls("");
        var raw = Calls("-IncludeForkCopies");
        Assert.Equal(Expected("v2/native", "tool").Sum(w => int.Parse(w[2], CultureInfo.InvariantCulture)), once);
        Assert.True(raw > once, $"the fork copies carry calls: {raw} with copies, {once} without");
    }

    [Fact]
    public void Groups_by_day_and_session_beside_the_tool_and_filters_by_tool()
    {
        using var engine = new Engine();
        var data = V2DataSets.DataDir("v2/native");
        var rows = engine.Run("Get-OpenCodeToolUsage -DataPath $args[0] -GroupBy Day, Session -TimeZone UTC -Tool e*", data)
            .ToList();
        Assert.Empty(engine.Errors);
        Assert.NotEmpty(rows);
        Assert.All(rows, r =>
        {
            Assert.Equal("edit", V<string>(r, "Tool"));
            var date = V<DateTime?>(r, "Date");
            Assert.NotNull(date);
            Assert.NotNull(V<string?>(r, "SessionId"));
            Assert.StartsWith($"edit · {date:yyyy-MM-dd} · {V<string>(r, "SessionId")}", V<string>(r, "Group"));
        });
        Assert.Equal(Expected("v2/native", "tool").Single(w => w[1] == "edit")[2], rows.Sum(r => V<int>(r, "Calls")).ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Failed and unfinished calls, which the real data sets lack: a copy of the real 1.18.33 database with three
/// more tool parts on its tool-calling message, in the shapes OpenCode 1.x writes for the error, running and
/// pending states; the module against tool_oracle.py run on the same copy.
/// </summary>
public sealed class ToolFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-tools-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Failures_and_unfinished_calls_are_counted_as_the_oracle_counts_them()
    {
        var data = Path.Combine(_dir, "opencode");
        Directory.CreateDirectory(data);
        File.Copy(Path.Combine(RepoPaths.DataDir("oc-1.18.33"), "opencode.db"), Path.Combine(data, "opencode.db"));
        Run("sqlite3", [Path.Combine(data, "opencode.db")], """
            INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
              SELECT 'prt_zz_error', message_id, session_id, time_created, time_updated,
                '{"type":"tool","tool":"read","callID":"call_e","state":{"status":"error","input":{"filePath":"/home/dev/missing.ts"},"error":"File not found: /home/dev/missing.ts","time":{"start":1795749464600,"end":1795749464725}}}'
              FROM part WHERE json_extract(data, '$.tool') = 'task';
            INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
              SELECT 'prt_zz_running', message_id, session_id, time_created, time_updated,
                '{"type":"tool","tool":"bash","callID":"call_r","state":{"status":"running","input":{"command":"sleep 100"},"title":"sleep","metadata":{},"time":{"start":1795749464700}}}'
              FROM part WHERE json_extract(data, '$.tool') = 'task';
            INSERT INTO part (id, message_id, session_id, time_created, time_updated, data)
              SELECT 'prt_zz_pending', message_id, session_id, time_created, time_updated,
                '{"type":"tool","tool":"read","callID":"call_p","state":{"status":"pending","input":{},"raw":""}}'
              FROM part WHERE json_extract(data, '$.tool') = 'task';
            """);
        var oracle = Run("python3", [Path.Combine(RepoPaths.TestData, "tool_oracle.py"), data], "")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t')).Where(f => f[0] == "tool").ToList();
        Assert.Equal(["bash", "read", "task"], oracle.Select(o => o[1]));

        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeToolUsage -DataPath $args[0] -NoCache", data).ToDictionary(r => (string)r.Properties["Tool"].Value);
        Assert.Empty(engine.Errors);
        foreach (var o in oracle)
        {
            var r = rows[o[1]];
            Assert.Equal(o[2], r.Properties["Calls"].Value.ToString());
            Assert.Equal(o[3], r.Properties["Failures"].Value.ToString());
            Assert.Equal(o[4], r.Properties["Unfinished"].Value.ToString());
            Assert.Equal(o[5], ((long)((TimeSpan)r.Properties["Duration"].Value).TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            Assert.Equal(o[6], r.Properties["OutputBytes"].Value.ToString());
        }

        // The figures themselves: one failed read of 125 ms beside one pending; a running bash with no end, untimed.
        Assert.Equal((2, 1, 1), ((int)rows["read"].Properties["Calls"].Value, (int)rows["read"].Properties["Failures"].Value, (int)rows["read"].Properties["Unfinished"].Value));
        Assert.Equal(TimeSpan.FromMilliseconds(125), rows["read"].Properties["Duration"].Value);
        Assert.Equal(TimeSpan.FromMilliseconds(125), rows["read"].Properties["AverageDuration"].Value);
        Assert.Equal(0.5, rows["read"].Properties["FailureRate"].Value);
        Assert.Equal(TimeSpan.Zero, rows["bash"].Properties["Duration"].Value);
        Assert.Equal(1, rows["bash"].Properties["Unfinished"].Value);
    }

    private static string Run(string file, string[] arguments, string input)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file}: {error}");
        return output.Result;
    }
}
