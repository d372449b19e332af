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

    /// <summary>
    /// OCU_FUZZ_SECONDS set (bench/fuzz): explore, with new random inputs every run. Unset (CI and dotnet test):
    /// the same inputs every run, drawn from a fixed seed, so that a red build always means a change broke
    /// something, never that the dice found something old.
    /// </summary>
    public static bool Explore { get; } = Environment.GetEnvironmentVariable("OCU_FUZZ_SECONDS") is { Length: > 0 };

    /// <summary>Inputs per target when not exploring; stopped early at <see cref="Seconds"/> × 3 on a slow machine.</summary>
    public const int FixedInputs = 20_000;

    public const ulong FixedSeed = 0x0C0DE_5EED;

    private static readonly ConcurrentDictionary<string, long> Counts = new();

    public static void Record(string target, long executions, Action<string> print)
    {
        Counts[target] = executions;
        var line = $"fuzz {target}: {executions:N0} executions " + (Explore ? $"in {Seconds} s" : $"from the fixed seed {FixedSeed:X}");
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
