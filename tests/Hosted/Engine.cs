using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>A runspace with the staged module imported, as a user's session would have it.</summary>
internal sealed class Engine : IDisposable
{
    private readonly Runspace _runspace;

    public Engine(int width = 100)
    {
        Host = new CapturingHost(width);
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
        Run("Import-Module -Name $args[0] -ErrorAction Stop", RepoPaths.StagedModule);
    }

    public CapturingHost Host { get; }

    /// <summary>Errors written by the last <see cref="Run"/>.</summary>
    public IReadOnlyList<ErrorRecord> Errors { get; private set; } = [];

    public IReadOnlyList<WarningRecord> Warnings { get; private set; } = [];

    public IReadOnlyList<ProgressRecord> Progress { get; private set; } = [];

    public IReadOnlyList<VerboseRecord> Verbose { get; private set; } = [];

    public IReadOnlyList<DebugRecord> Debug { get; private set; } = [];

    public IReadOnlyList<InformationRecord> Information { get; private set; } = [];

    /// <summary>A pipeline on this engine's runspace, not yet started: for tests that stop it midway.</summary>
    public PowerShell CreatePipeline(string script, params object[] arguments)
    {
        var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var argument in arguments)
        {
            ps.AddArgument(argument);
        }

        return ps;
    }

    public Collection<PSObject> Run(string script, params object[] arguments)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var argument in arguments)
        {
            ps.AddArgument(argument);
        }

        var output = ps.Invoke();
        Errors = ps.Streams.Error.ToList();
        Warnings = ps.Streams.Warning.ToList();
        Progress = ps.Streams.Progress.ToList();
        Verbose = ps.Streams.Verbose.ToList();
        Debug = ps.Streams.Debug.ToList();
        Information = ps.Streams.Information.ToList();
        return output;
    }

    /// <summary>
    /// Runs a script expected to stop with a terminating error and returns its record. Only a terminating
    /// error reaches the catch block; one written with WriteError does not.
    /// </summary>
    public ErrorRecord RunExpectingTermination(string script, params object[] arguments)
    {
        var output = Run("try { " + script + " } catch { [pscustomobject]@{ Caught = $_ } }", arguments);
        var caught = Assert.Single(output, o => o.Properties["Caught"] is not null);
        var value = caught.Properties["Caught"].Value;
        return (ErrorRecord)(value is PSObject wrapped ? wrapped.BaseObject : value);
    }

    public void Dispose() => _runspace.Dispose();
}
