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
}
