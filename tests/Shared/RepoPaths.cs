namespace OpenCodeUsage.Tests;

/// <summary>Where the repository, its real OpenCode data sets and the staged module are.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestData => Path.Combine(Root, "tests", "data");

    public static string StagedModule => Path.Combine(Root, "artifacts", "module", "OpenCodeUsage");

    public static string Sample => Path.Combine(Root, "samples", "opencode-sample", "opencode");

    /// <summary>The OpenCode data dir of a committed data set, e.g. "oc-1.18.33".</summary>
    public static string DataDir(string dataSet) => Path.Combine(TestData, dataSet, "opencode");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenCodeUsage.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OpenCodeUsage.sln not found above " + AppContext.BaseDirectory);
    }
}
