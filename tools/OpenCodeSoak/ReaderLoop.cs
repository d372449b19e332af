using System.Management.Automation;

namespace OpenCodeSoak;

/// <summary>
/// Our read cmdlets, one after another in one runspace for as long as OpenCode writes: what a user refreshing a
/// report beside a running OpenCode does, only without pause. Every error record, warning and exception is kept.
/// </summary>
internal sealed class ReaderLoop(ModuleRunspace runspace, string dataDirectory, string pricingPath, TimeSpan pause)
{
    /// <summary>
    /// The calls of one round; $args[0] is the data dir, $args[1] OpenCode's config, whose prices a user's
    /// Get-OpenCodeUsage finds on its own. -NoCache makes one of them a full read every round.
    /// </summary>
    public static readonly IReadOnlyList<string> Commands =
    [
        "Get-OpenCodeSession -DataPath $args[0]",
        "Get-OpenCodeUsage -GroupBy Day -DataPath $args[0] -PricingPath $args[1]",
        "Get-OpenCodeUsage -GroupBy Session -DataPath $args[0] -PricingPath $args[1]",
        "Get-OpenCodeUsage -PerMessage -DataPath $args[0] -PricingPath $args[1]",
        "Get-OpenCodeUsage -GroupBy Model, Project -NoCache -DataPath $args[0] -PricingPath $args[1]",
    ];

    private readonly Dictionary<string, int> _calls = Commands.ToDictionary(c => c, _ => 0);

    public IReadOnlyDictionary<string, int> Calls => _calls;

    public int Rounds { get; private set; }

    public long ObjectsReceived { get; private set; }

    public ProblemLog Problems { get; } = new();

    /// <summary>Runs rounds until cancelled; the round under way when cancelled is finished first.</summary>
    public Task RunAsync(CancellationToken stop) => Task.Factory.StartNew(() =>
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var command in Commands)
            {
                Invoke(command);
                stop.WaitHandle.WaitOne(pause);
            }

            Rounds++;
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Runs one script once and returns its output, counting its errors like the loop's.</summary>
    public IReadOnlyList<PSObject> Invoke(string script)
    {
        using var ps = runspace.Pipeline(script, dataDirectory, pricingPath);
        try
        {
            var output = ps.Invoke();
            if (_calls.ContainsKey(script))
            {
                _calls[script]++;
            }

            ObjectsReceived += output.Count;
            foreach (var error in ps.Streams.Error)
            {
                Problems.Error(script, error.FullyQualifiedErrorId + ": " + error);
            }

            foreach (var warning in ps.Streams.Warning)
            {
                Problems.Warning(script, warning.Message);
            }

            return output;
        }
        catch (Exception e) when (e is RuntimeException or InvalidOperationException)
        {
            Problems.Error(script, e.GetType().Name + ": " + e.Message);
            return [];
        }
    }
}
