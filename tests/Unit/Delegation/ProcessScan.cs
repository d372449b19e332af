namespace OpenCodeUsage.Tests.Delegation;

/// <summary>Live processes found through /proc (Linux): a run's whole process tree inherits its environment.</summary>
internal static class ProcessScan
{
    /// <summary>Ids of live processes whose environment or command line contains <paramref name="marker"/>; empty off Linux.</summary>
    public static IReadOnlyList<int> Holding(string marker)
    {
        if (!OperatingSystem.IsLinux())
        {
            return [];
        }

        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            foreach (var file in new[] { "environ", "cmdline" })
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(directory, file)).Contains(marker, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                        break;
                    }
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or another user's.
                }
            }
        }

        return found;
    }
}
