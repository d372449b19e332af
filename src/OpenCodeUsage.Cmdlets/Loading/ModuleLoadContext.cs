using System.Reflection;
using System.Runtime.Loader;

namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// The module's own load context: Core, Microsoft.Data.Sqlite, SQLitePCLRaw and the native e_sqlite3 load
/// here from dependencies/, so another module's copies of them (any version) never meet ours. The managed ones come
/// from the ReadyToRun images for this runtime where the module ships them (<see cref="ReadyToRunImages"/>).
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    private readonly string _dependencyDirectory;
    private readonly string[] _managedDirectories;

    private ModuleLoadContext(string dependencyDirectory)
        : base("OpenCodeUsage", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
        _managedDirectories = ReadyToRunImages.SearchOrder(dependencyDirectory, NativeSqlite.RuntimeIdentifier, Environment.Version.Major);
    }

    public static ModuleLoadContext Instance { get; } = new(NativeSqlite.DependencyDirectory);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        foreach (var directory in _managedDirectories)
        {
            var path = Path.Combine(directory, assemblyName.Name + ".dll");
            if (File.Exists(path))
            {
                return LoadFromAssemblyPath(path);
            }
        }

        // Anything not shipped in dependencies/ (the framework, PowerShell itself) comes from the default context.
        return null;
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
