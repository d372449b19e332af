using System.Collections;
using System.Management.Automation;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>What completers read from the command line typed so far.</summary>
internal static class CompletionContext
{
    /// <summary>The -DataPath values already typed, resolved as the cmdlet will resolve them; empty for the default data dir.</summary>
    public static IReadOnlyList<string> DataPaths(IDictionary bound)
    {
        if (!bound.Contains("DataPath"))
        {
            return [];
        }

        var paths = bound["DataPath"] switch
        {
            string one => [one],
            IEnumerable many => many.Cast<object>().Select(o => o?.ToString() ?? string.Empty),
            _ => [],
        };
        return paths.Where(p => p.Length > 0).Select(ResolveAgainstCurrentLocation).ToList();
    }

    /// <summary>Relative to PowerShell's location (not the process directory), ~ and drives included.</summary>
    private static string ResolveAgainstCurrentLocation(string path)
    {
        // Completion runs inside a pipeline, where SessionStateProxy calls are refused; a nested pipeline is allowed.
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])").AddArgument(path);
        return ps.Invoke().FirstOrDefault()?.BaseObject as string ?? path;
    }
}
