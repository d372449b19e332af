namespace OpenCodeUsage.Commands.Loading;

/// <summary>
/// Where the module's load context looks for an assembly of dependencies/: first the ReadyToRun images made for this
/// process's runtime identifier and .NET major version (dependencies/readytorun/net10.0/linux-x64/, say), then the IL
/// assemblies every platform can run. The runtime ignores ReadyToRun code made for another major version and compiles
/// everything at run time, so an image is only picked where it will be used; any other process gets the IL.
/// </summary>
internal static class ReadyToRunImages
{
    public const string FolderName = "readytorun";

    /// <summary>The folders to probe, most specific first; the ReadyToRun one only where the module ships it.</summary>
    public static string[] SearchOrder(string dependencyDirectory, string runtimeIdentifier, int runtimeMajorVersion)
    {
        var images = Path.Combine(dependencyDirectory, FolderName, $"net{runtimeMajorVersion}.0", runtimeIdentifier);
        return Directory.Exists(images) ? [images, dependencyDirectory] : [dependencyDirectory];
    }
}
