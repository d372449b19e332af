using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// The outcome of one timed command: its output, how long it took, the CPU time the process spent meanwhile
/// (all threads: on a busy machine it varies less than the wall time), and its memory peaks.
/// </summary>
/// <param name="JitMs">Time the JIT spent compiling meanwhile (all threads): what ReadyToRun code saves.</param>
internal sealed record Timed(Collection<PSObject> Output, double Ms, double CpuMs, double RssMb, double ManagedMb, double JitMs = 0, long JitMethods = 0);

/// <summary>One runspace, as a user's session, in which commands are timed with a Stopwatch.</summary>
internal sealed class Engine : IDisposable
{
    private readonly Runspace _runspace;

    public Engine()
    {
        var clock = Stopwatch.StartNew();
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        OpenMs = clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Time to create and open the runspace (the engine's own start-up, not the module's).</summary>
    public double OpenMs { get; }

    public Timed Import(string modulePath) =>
        Run(ps => ps.AddCommand("Import-Module").AddParameter("Name", modulePath).AddParameter("ErrorAction", "Stop"));

    public bool HasParameter(string command, string parameter)
    {
        var output = Run(ps => ps.AddScript("param($c, $p) (Get-Command $c).Parameters.ContainsKey($p)").AddArgument(command).AddArgument(parameter));
        return output.Output.Count == 1 && output.Output[0].BaseObject is true;
    }

    /// <summary>Runs a command built by <paramref name="build"/>; errors are reported on stderr, not thrown.</summary>
    public Timed Run(Action<PowerShell> build)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        build(ps);
        Collection<PSObject> output;
        var sampler = new MemorySampler();
        var cpu = Environment.CpuUsage.TotalTime;
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var clock = Stopwatch.StartNew();
        try
        {
            output = ps.Invoke();
        }
        finally
        {
            clock.Stop();
            cpu = Environment.CpuUsage.TotalTime - cpu;
            jit = System.Runtime.JitInfo.GetCompilationTime() - jit;
            jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods;
            sampler.Dispose();
        }

        foreach (var error in ps.Streams.Error)
        {
            Console.Error.WriteLine($"error: {error.FullyQualifiedErrorId}: {error}");
        }

        return new Timed(output, clock.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds, sampler.PeakWorkingSetMb, sampler.PeakManagedMb,
            jit.TotalMilliseconds, jitMethods);
    }

    public void Dispose() => _runspace.Dispose();
}
