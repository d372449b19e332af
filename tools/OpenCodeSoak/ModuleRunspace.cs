using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace OpenCodeSoak;

/// <summary>A runspace of the real PowerShell engine with the staged module imported, as a user's session has it.</summary>
internal sealed class ModuleRunspace : IDisposable
{
    private readonly Runspace _runspace;

    public ModuleRunspace(string modulePath)
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows())
        {
            state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        }

        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        using var import = Pipeline("Import-Module -Name $args[0] -ErrorAction Stop", modulePath);
        import.Invoke();
    }

    /// <summary>A pipeline on this runspace, not yet started; the caller disposes it.</summary>
    public PowerShell Pipeline(string script, params object[] arguments)
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

    public void Dispose() => _runspace.Dispose();
}
