namespace OpenCodeUsage.Digest;

/// <summary>A (key, number) table as last read, in table order: what the next read is walked beside.</summary>
internal sealed record KeyedNumbers(string[] Keys, long[] Numbers)
{
    public static readonly KeyedNumbers Empty = new([], []);

    /// <summary>These rows with the walk's changes applied: moved numbers updated, added rows appended.</summary>
    public KeyedNumbers With(InStepWalk walk)
    {
        if (walk.Moved.Count == 0 && walk.Added.Count == 0)
        {
            return this;
        }

        // Keys are shared until rows are added; arrays are never changed once a digest holds them.
        var keys = walk.Added.Count == 0 ? Keys : new string[Keys.Length + walk.Added.Count];
        var numbers = new long[keys.Length];
        if (walk.Added.Count > 0)
        {
            Keys.CopyTo(keys, 0);
        }

        Numbers.CopyTo(numbers, 0);
        foreach (var (position, number) in walk.Moved)
        {
            numbers[position] = number;
        }

        for (var i = 0; i < walk.Added.Count; i++)
        {
            (keys[Keys.Length + i], numbers[Keys.Length + i]) = walk.Added[i];
        }

        return new KeyedNumbers(keys, numbers);
    }
}
