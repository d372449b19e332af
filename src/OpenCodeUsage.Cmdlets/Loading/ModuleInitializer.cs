using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// Sends OpenCodeUsage.Core, the one assembly the cmdlets call into, to the module's load context, where
/// everything Core needs is then resolved first. The output types (OpenCodeUsage.Models) stay in the
/// default context, shared by Core, the cmdlets and scripts.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string CoreAssemblyName = "OpenCodeUsage.Core";
    private const string ModelsAssemblyName = "OpenCodeUsage.Models";
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

    private static Assembly? ResolveCore(AssemblyLoadContext context, AssemblyName name) => name.Name switch
    {
        CoreAssemblyName => ModuleLoadContext.Instance.LoadFromAssemblyName(name),
        // Normally loaded already by the manifest's RequiredAssemblies; this covers hosts that load the dll alone.
        ModelsAssemblyName => context.LoadFromAssemblyPath(Path.Combine(NativeSqlite.ModuleDirectory, ModelsAssemblyName + ".dll")),
        _ => null,
    };
}
