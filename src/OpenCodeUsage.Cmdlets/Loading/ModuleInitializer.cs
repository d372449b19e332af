using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// Sends the one assembly the cmdlets reference directly, OpenCodeUsage.Core, to the module's load context;
/// everything Core needs is then resolved there first.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string CoreAssemblyName = "OpenCodeUsage.Core";
    private static int s_registered;

    public void OnImport() => Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // Core stays loaded (load contexts of this kind cannot unload), so the handler stays too:
        // a re-import in the same session must find the very same types.
    }

    /// <summary>Idempotent; also called from the cmdlet base in case PowerShell touched a cmdlet before OnImport.</summary>
    internal static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            AssemblyLoadContext.Default.Resolving += ResolveCore;
        }
    }

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == CoreAssemblyName ? ModuleLoadContext.Instance.LoadFromAssemblyName(name) : null;
}
