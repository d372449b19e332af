using System.Globalization;
using OpenCodeFixture;
using OpenCodeSoak;

// The long form of the live-writer soak (bench/soak): see bench/soak/README.md.
//   dotnet run -c Release --project tools/OpenCodeSoak -- [--minutes 5] [--baseline-minutes 2] [--workers 4] [--module DIR] [--keep] [--pin-snapshot] [--hold-write-lock]
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    var name = args[i].TrimStart('-');
    options[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

var repo = OpenCodeCli.FindRepoRoot() ?? throw new InvalidOperationException("OpenCodeUsage.sln not found above " + AppContext.BaseDirectory);
var binary = OpenCodeCli.Find();
if (binary is null)
{
    Console.Error.WriteLine("The OpenCode CLI is not installed: run tools/install-opencode.sh.");
    return 2;
}

double Minutes(string name, double fallback) => options.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
var work = Directory.CreateTempSubdirectory("ocu-soak-").FullName;
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop every OpenCode process this started, then exit
    cancel.Cancel();
};

try
{
    var report = await SoakRun.RunAsync(new SoakOptions
    {
        WorkDirectory = work,
        ModulePath = options.GetValueOrDefault("module", Path.Combine(repo, "artifacts", "module", "OpenCodeUsage")),
        OpenCodeBinary = binary,
        OraclePath = Path.Combine(repo, "tests", "data", "oracle.py"),
        WithUs = TimeSpan.FromMinutes(Minutes("minutes", 5)),
        Baseline = TimeSpan.FromMinutes(Minutes("baseline-minutes", 2)),
        Workers = (int)Minutes("workers", 4),
        CacheDirectory = Path.Combine(work, "cache"),
        PinSnapshot = options.ContainsKey("pin-snapshot"),
        HoldWriteLock = options.ContainsKey("hold-write-lock"),
        WatchEventLog = options.ContainsKey("keep") ? Path.Combine(work, "watch-events.tsv") : null,
        Log = line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"),
    }, cancel.Token);
    Console.WriteLine();
    Console.WriteLine(report.ToMarkdown());
    return report.Problems.Count == 0 ? 0 : 1;
}
finally
{
    if (options.ContainsKey("keep"))
    {
        Console.WriteLine("kept " + work);
    }
    else
    {
        Directory.Delete(work, recursive: true);
    }
}
