using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Warnings given once per PowerShell session: the same text again in the same runspace is not repeated. Keyed
/// weakly by runspace, so a closed runspace takes its memory with it and a new one hears the warning again.
/// </summary>
internal static class OnceWarnings
{
    private static readonly ConditionalWeakTable<Runspace, HashSet<string>> Given = new();

    /// <summary>True the first time <paramref name="warning"/> is seen in the current runspace.</summary>
    public static bool FirstTime(string warning)
    {
        if (Runspace.DefaultRunspace is not { } runspace)
        {
            return true;
        }

        var given = Given.GetValue(runspace, _ => new HashSet<string>(StringComparer.Ordinal));
        lock (given)
        {
            return given.Add(warning);
        }
    }
}
