using System.Reflection;
using System.Runtime.InteropServices;

namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// Finds the native e_sqlite3 library the module ships under dependencies/runtimes/&lt;rid&gt;/native.
/// PowerShell does not probe runtimes folders, so the module does, and remembers what it tried so a
/// failure can say exactly which platform and paths were searched.
/// </summary>
internal static class NativeSqlite
{
    public const string LibraryName = "e_sqlite3";
    private static readonly object Gate = new();
    private static IntPtr s_handle;
    private static string[]? s_searched;

    /// <summary>The runtime identifier of the native folder this process needs, e.g. linux-musl-x64.</summary>
    public static string RuntimeIdentifier { get; } = ComputeRuntimeIdentifier();

    public static IReadOnlyList<string> Searched => s_searched ?? [];

    /// <summary>Loads the library once; returns its handle, or IntPtr.Zero when no candidate loads.</summary>
    public static IntPtr Load(string dependencyDirectory)
    {
        lock (Gate)
        {
            if (s_handle != IntPtr.Zero)
            {
                return s_handle;
            }

            var candidates = Candidates(dependencyDirectory).ToArray();
            s_searched = candidates;
            foreach (var path in candidates)
            {
                if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
                {
                    s_handle = handle;
                    return handle;
                }
            }

            return IntPtr.Zero;
        }
    }

    private static IEnumerable<string> Candidates(string dependencyDirectory)
    {
        var file = OperatingSystem.IsWindows() ? "e_sqlite3.dll"
            : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib"
            : "libe_sqlite3.so";
        yield return Path.Combine(dependencyDirectory, "runtimes", RuntimeIdentifier, "native", file);
        // A glibc build runs on most musl systems with gcompat, and the reverse never; try it second.
        if (RuntimeIdentifier.StartsWith("linux-musl-", StringComparison.Ordinal))
        {
            yield return Path.Combine(dependencyDirectory, "runtimes", "linux-" + RuntimeIdentifier["linux-musl-".Length..], "native", file);
        }

        yield return Path.Combine(dependencyDirectory, file);
    }

    private static string ComputeRuntimeIdentifier()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows())
        {
            return "win-" + arch;
        }

        if (OperatingSystem.IsMacOS())
        {
            return "osx-" + arch;
        }

        return (IsMusl() ? "linux-musl-" : "linux-") + arch;
    }

    private static bool IsMusl()
    {
        // Distribution builds of .NET report their own RID (alpine.3.20-x64); portable ones say linux-musl.
        var rid = RuntimeInformation.RuntimeIdentifier;
        if (rid.Contains("musl", StringComparison.OrdinalIgnoreCase) || rid.StartsWith("alpine", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        try
        {
            return Directory.EnumerateFiles("/lib", "ld-musl-*.so.1").Any();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    internal static string ModuleDirectory { get; } =
        Path.GetDirectoryName(typeof(NativeSqlite).Assembly.Location) ?? AppContext.BaseDirectory;

    internal static string DependencyDirectory { get; } = Path.Combine(ModuleDirectory, "dependencies");

    internal static Assembly ThisAssembly => typeof(NativeSqlite).Assembly;
}
