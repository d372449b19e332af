using System.Reflection;
using System.Runtime.Loader;

namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// The module's own load context: Core, Microsoft.Data.Sqlite, SQLitePCLRaw and the native e_sqlite3 load
/// here from dependencies/, so another module's copies of them (any version) never meet ours.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;

    private ModuleLoadContext(string dependencyDirectory)
        : base("OpenCodeUsage", isCollectible: false) => _dependencyDirectory = dependencyDirectory;

    public static ModuleLoadContext Instance { get; } = new(NativeSqlite.DependencyDirectory);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        // Anything not shipped in dependencies/ (the framework, PowerShell itself) comes from the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        if (unmanagedDllName == NativeSqlite.LibraryName || unmanagedDllName.Contains("e_sqlite3", StringComparison.Ordinal))
        {
            var handle = NativeSqlite.Load(_dependencyDirectory);
            if (handle != IntPtr.Zero)
            {
                return handle;
            }
        }

        return base.LoadUnmanagedDll(unmanagedDllName);
    }
}
