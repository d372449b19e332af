using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Runs the script file given as the only argument in a fresh runspace and prints, one per line,
// "OUT: <object>" for output and "ERR: <FullyQualifiedErrorId>|<message>" for errors.
var script = File.ReadAllText(args[0]);
var state = InitialSessionState.CreateDefault2();
if (OperatingSystem.IsWindows())
{
    state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
}

using var ps = PowerShell.Create(state);
ps.AddScript(script);
try
{
    foreach (var item in ps.Invoke())
    {
        Console.WriteLine("OUT: " + item);
    }
}
catch (RuntimeException ex)
{
    Console.WriteLine($"ERR: {ex.ErrorRecord.FullyQualifiedErrorId}|{ex.Message}");
}

foreach (var error in ps.Streams.Error)
{
    Console.WriteLine($"ERR: {error.FullyQualifiedErrorId}|{error}");
}

return 0;
