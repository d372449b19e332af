namespace OpenCodeUsage.Usage;

/// <summary>
/// A filter on names, with the patterns it was made from: the patterns (and how they match) are what a memo
/// key holds, since a predicate cannot be compared. The caller brings the matcher (PowerShell's wildcards, say).
/// </summary>
public sealed class TextFilter
{
    private readonly Func<string, bool> _matches;

    /// <param name="patterns">What the filter was made from.</param>
    /// <param name="matches">Whether a name passes; must follow from <paramref name="patterns"/> and <paramref name="kind"/> alone.</param>
    /// <param name="kind">How the patterns match (e.g. "wildcard", "exact"): filters of other kinds never share a key.</param>
    public TextFilter(IReadOnlyList<string> patterns, Func<string, bool> matches, string kind)
    {
        Patterns = patterns.ToArray();
        _matches = matches;
        Kind = kind;
    }

    public IReadOnlyList<string> Patterns { get; }

    public string Kind { get; }

    public bool IsMatch(string value) => _matches(value);

    public override string ToString() => $"{Kind}:{string.Join("\u001e", Patterns)}";
}
