using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using OpenCodeUsage.Bench.Watch;

// bench/watch: latency from a committed step-finish to its object in the pipeline, idle CPU, memory over a soak.
//   dotnet run -c Release --project bench/watch -- [--soak 60] [--idle 30] [--rate 4] [--sessions 8] [--module PSD1] [--baseline 1]
var options = Args(args);
if (options.TryGetValue("write", out var writeTo))
{
    Writer.Run(writeTo, int.Parse(options["sessions"], CultureInfo.InvariantCulture), double.Parse(options["rate"], CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(options["soak"], CultureInfo.InvariantCulture)));
    return 0;
}

var soak = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("soak", "60"), CultureInfo.InvariantCulture));
var idle = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("idle", "30"), CultureInfo.InvariantCulture));
var rate = double.Parse(options.GetValueOrDefault("rate", "4"), CultureInfo.InvariantCulture);
var repo = FindRepo();
var module = options.GetValueOrDefault("module", Path.Combine(repo, "artifacts", "module", "OpenCodeUsage", "OpenCodeUsage.psd1"));
var data = Directory.CreateTempSubdirectory("ocu-bench-watch-").FullName;
foreach (var file in Directory.EnumerateFiles(Path.Combine(repo, "tests", "data", "oc-1.18.33", "opencode")))
{
    File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
}

var clock = Stopwatch.StartNew();
static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000.0 + DateTimeOffset.UtcNow.Ticks % 10000 / 10;
var committed = new Dictionary<string, double>();
var written = 0;
// Matched pairs leave both maps at once, so the bench itself holds nothing that grows but the latencies.
var arrived = new Dictionary<string, double>();
var latencies = new List<double>();
void Match(string part, double? commit, double? arrival)
{
    lock (arrived)
    {
        if (commit is { } c && arrived.Remove(part, out var a))
        {
            latencies.Add((a - c) / 1000);
        }
        else if (arrival is { } x && committed.Remove(part, out var k))
        {
            latencies.Add((x - k) / 1000);
        }
        else if (commit is { } c2)
        {
            committed[part] = c2;
        }
        else
        {
            arrived[part] = arrival!.Value;
        }
    }
}
var writerDone = new ManualResetEventSlim();
var writerReady = new ManualResetEventSlim();
var writerStart = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
if (!Environment.ProcessPath!.EndsWith("OpenCodeUsage.Bench.Watch", StringComparison.Ordinal))
{
    writerStart.ArgumentList.Add(typeof(Writer).Assembly.Location);
}

foreach (var (name, value) in new[] { ("--write", Path.Combine(data, "opencode.db")), ("--sessions", options.GetValueOrDefault("sessions", "8")),
             ("--rate", rate.ToString(CultureInfo.InvariantCulture)), ("--soak", soak.TotalSeconds.ToString(CultureInfo.InvariantCulture)) })
{
    writerStart.ArgumentList.Add(name);
    writerStart.ArgumentList.Add(value);
}

using var writerProcess = Process.Start(writerStart)!;
writerProcess.OutputDataReceived += (_, e) =>
{
    switch (e.Data)
    {
        case null or "done":
            writerDone.Set();
            break;
        case "ready":
            writerReady.Set();
            break;
        default:
            var tab = e.Data.IndexOf('\t');
            Interlocked.Increment(ref written);
            Match(e.Data[..tab], double.Parse(e.Data[(tab + 1)..], CultureInfo.InvariantCulture), null);

            break;
    }
};
writerProcess.BeginOutputReadLine();
writerReady.Wait();
var state = InitialSessionState.CreateDefault2();
using var runspace = RunspaceFactory.CreateRunspace(state);
runspace.Open();
using (var import = PowerShell.Create())
{
    import.Runspace = runspace;
    import.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop").Invoke();
}


var output = new PSDataCollection<PSObject>();
output.DataAdded += (_, e) =>
{
    var item = output[e.Index];
    if (item.Properties["Kind"].Value?.ToString() == "StepFinished")
    {
        Match((string)item.Properties["PartId"].Value, null, Now());
    }
};
// Keep the pipeline's output from growing: the bench only needs arrival times.
output.DataAdded += (_, _) =>
{
    if (output.Count > 50)
    {
        output.Clear();
    }
};
using var watch = PowerShell.Create();
watch.Runspace = runspace;
if (options.ContainsKey("baseline"))
{
    watch.AddCommand("Start-Sleep").AddParameter("Seconds", 3600); // the engine alone, for comparison
}
else
{
    watch.AddCommand("Watch-OpenCodeActivity").AddParameter("DataPath", data);
}
var run = watch.BeginInvoke<PSObject, PSObject>(null, output);
Thread.Sleep(2000);

var process = Process.GetCurrentProcess();
Console.WriteLine($"soak {soak.TotalSeconds:0} s at {rate} steps/s, then {idle.TotalSeconds:0} s idle; module {module}");
var samples = new List<(double Seconds, long Heap, long Rss)>();
while (!writerDone.Wait(soak / 10))
{
    process.Refresh();
    samples.Add((clock.Elapsed.TotalSeconds, Heap(), process.WorkingSet64));
}

writerProcess.WaitForExit();
Thread.Sleep(2000);
process.Refresh();
samples.Add((clock.Elapsed.TotalSeconds, Heap(), process.WorkingSet64));

// Idle: nothing written; the watch waits on notifications and polls file times every 2 s.
// The first seconds after a busy spell carry the runtime's own catch-up (tiered JIT, GC): they are shown apart.
var slices = new List<double>();
var cpuBefore = Environment.CpuUsage.TotalTime;
var idleStart = clock.Elapsed;
var slice = TimeSpan.FromSeconds(5);
for (var t = TimeSpan.Zero; t < idle; t += slice)
{
    var sliceCpu = Environment.CpuUsage.TotalTime;
    var sliceStart = clock.Elapsed;
    Thread.Sleep(slice);
    process.Refresh();
    slices.Add((Environment.CpuUsage.TotalTime - sliceCpu) / (clock.Elapsed - sliceStart) * 100);
}

var cpuShare = (Environment.CpuUsage.TotalTime - cpuBefore) / (clock.Elapsed - idleStart);

var stop = Stopwatch.StartNew();
watch.Stop();
var stopTime = stop.Elapsed;
try
{
    watch.EndInvoke(run);
}
catch (PipelineStoppedException)
{
}

lock (arrived)
{
    latencies.Sort();
}

double Percentile(double p) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
var first = samples[Math.Min(1, samples.Count - 1)];
var last = samples[^1];
Console.WriteLine();
Console.WriteLine("| figure | value | target |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| steps written / received | {written} / {latencies.Count} | all |");
Console.WriteLine($"| latency p50 (ms) | {Percentile(0.50):0.0} | |");
Console.WriteLine($"| latency p95 (ms) | {Percentile(0.95):0.0} | ≤ 300 |");
Console.WriteLine($"| latency max (ms) | {Percentile(1.0):0.0} | |");
Console.WriteLine($"| idle CPU (% of one core) | {cpuShare * 100:0.00} | ≤ 1 |");
Console.WriteLine($"| managed heap at {first.Seconds:0} s → end (MB) | {first.Heap / 1e6:0.0} → {last.Heap / 1e6:0.0} | no growth |");
Console.WriteLine($"| RSS at {first.Seconds:0} s → end (MB) | {first.Rss / 1e6:0.0} → {last.Rss / 1e6:0.0} | |");
Console.WriteLine($"| Stop() (ms) | {stopTime.TotalMilliseconds:0} | ≤ 1000 |");
Console.WriteLine();
Console.WriteLine("idle CPU per 5 s (%): " + string.Join(", ", slices.Select(c => c.ToString("0.00", CultureInfo.InvariantCulture))));
Console.WriteLine("heap samples (s: MB): " + string.Join(", ", samples.Select(s => $"{s.Seconds:0}: {s.Heap / 1e6:0.0}")));
Directory.Delete(data, recursive: true);
return written == latencies.Count ? 0 : 1;

static long Heap()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return GC.GetGCMemoryInfo().HeapSizeBytes;
}

static Dictionary<string, string> Args(string[] args)
{
    var map = new Dictionary<string, string>();
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        map[args[i].TrimStart('-')] = args[i + 1];
    }

    return map;
}

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "OpenCodeUsage.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("OpenCodeUsage.sln not found");
}
