using System.Management.Automation;
using System.Management.Automation.Runspaces;

// Runs the script file given as the only argument in a fresh runspace and prints, one per line,
// "OUT: <object>" for output and "ERR: <FullyQualifiedErrorId>|<message>" for errors; then, for tests that
// check what every stream carries, "PROP: <name>=<value>" for each output property, "ERRDETAIL: " with each
// error's exception, target and category, and "VERBOSE: ", "DEBUG: ", "WARNING: ", "INFO: " records.
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
        foreach (var property in item.Properties)
        {
            Console.WriteLine($"PROP: {property.Name}={Flat(ValueOf(property))}");
        }
    }
}
catch (RuntimeException ex)
{
    Console.WriteLine($"ERR: {ex.ErrorRecord.FullyQualifiedErrorId}|{ex.Message}");
    Detail(ex.ErrorRecord);
}

foreach (var error in ps.Streams.Error)
{
    Console.WriteLine($"ERR: {error.FullyQualifiedErrorId}|{error}");
    Detail(error);
}

foreach (var record in ps.Streams.Verbose)
{
    Console.WriteLine("VERBOSE: " + Flat(record.Message));
}

foreach (var record in ps.Streams.Debug)
{
    Console.WriteLine("DEBUG: " + Flat(record.Message));
}

foreach (var record in ps.Streams.Warning)
{
    Console.WriteLine("WARNING: " + Flat(record.Message));
}

foreach (var record in ps.Streams.Information)
{
    Console.WriteLine("INFO: " + Flat(record.MessageData?.ToString()));
}

return 0;

static string Flat(string? text) => (text ?? string.Empty).ReplaceLineEndings(" ⏎ ");

static string? ValueOf(PSPropertyInfo property)
{
    try
    {
        return property.Value?.ToString();
    }
    catch (Exception ex) when (ex is GetValueException or RuntimeException)
    {
        return "<" + ex.GetType().Name + ">";
    }
}

static void Detail(ErrorRecord error) =>
    Console.WriteLine($"ERRDETAIL: {Flat(error.Exception?.ToString())}|{error.TargetObject}|{error.CategoryInfo}|{Flat(error.ErrorDetails?.Message)}");
