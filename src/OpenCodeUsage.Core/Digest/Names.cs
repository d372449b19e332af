namespace OpenCodeUsage.Digest;

/// <summary>
/// The few distinct model, provider, agent and error names, numbered once per process so a digest row holds
/// four small numbers instead of four references.
/// </summary>
internal static class Names
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, int> Numbers = new(StringComparer.Ordinal);
    private static string[] s_names = new string[64];

    public const int None = -1;

    public static int Number(string? name)
    {
        if (name is null)
        {
            return None;
        }

        lock (Gate)
        {
            if (Numbers.TryGetValue(name, out var number))
            {
                return number;
            }

            number = Numbers.Count;
            if (number == s_names.Length)
            {
                Array.Resize(ref s_names, number * 2);
            }

            s_names[number] = name;
            Numbers[name] = number;
            return number;
        }
    }

    public static string? Name(int number) => number < 0 ? null : Volatile.Read(ref s_names)[number];

    private static readonly Dictionary<(int, int), int> PairNumbers = [];
    private static (int First, int Second)[] s_pairs = new (int, int)[64];

    /// <summary>One number for two names (a provider and a model, an agent and an error): a row holds half as many.</summary>
    public static int Pair(int first, int second)
    {
        lock (Gate)
        {
            if (PairNumbers.TryGetValue((first, second), out var number))
            {
                return number;
            }

            number = PairNumbers.Count;
            if (number == s_pairs.Length)
            {
                Array.Resize(ref s_pairs, number * 2);
            }

            s_pairs[number] = (first, second);
            PairNumbers[(first, second)] = number;
            return number;
        }
    }

    public static int First(int pair) => Volatile.Read(ref s_pairs)[pair].First;

    public static int Second(int pair) => Volatile.Read(ref s_pairs)[pair].Second;
}
