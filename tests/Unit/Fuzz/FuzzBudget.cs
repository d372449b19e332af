using System.Collections.Concurrent;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>
/// How long each fuzz target runs: a few seconds in CI, longer when OCU_FUZZ_SECONDS says so (bench/fuzz), and
/// how many inputs each one got, printed and, with OCU_FUZZ_REPORT set, appended to that file.
/// </summary>
internal static class FuzzBudget
{
    public static int Seconds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("OCU_FUZZ_SECONDS"), out var s) && s > 0 ? s : 3;

    private static readonly ConcurrentDictionary<string, long> Counts = new();

    public static void Record(string target, long executions, Action<string> print)
    {
        Counts[target] = executions;
        var line = $"fuzz {target}: {executions:N0} executions in {Seconds} s";
        print(line);
        if (Environment.GetEnvironmentVariable("OCU_FUZZ_REPORT") is { Length: > 0 } report)
        {
            lock (Counts)
            {
                File.AppendAllText(report, line + Environment.NewLine);
            }
        }
    }
}
