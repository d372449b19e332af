namespace OpenCodeV2Data;

/// <summary>
/// Deterministic ids in OpenCode's shape: a prefix, 12 hex digits from the time (descending for sessions, as
/// OpenCode makes them), then 14 base62 characters from a seeded generator. Same seed, same ids.
/// </summary>
internal sealed class Ids(int seed)
{
    const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static readonly string[] Words = ["brave", "calm", "eager", "gentle", "lucky", "quiet", "swift", "tidy", "witty", "bold"];
    static readonly string[] Animals = ["otter", "falcon", "badger", "heron", "lynx", "panda", "raven", "tiger", "walrus", "wolf"];
    readonly Random random = new(seed);
    long counter;

    public string Session(long at) => "ses_" + (~Stamp(at) & 0xFFFFFFFFFFFF).ToString("x12") + Tail();

    public string Next(string prefix, long at) => prefix + "_" + Stamp(at).ToString("x12") + Tail();

    public string Slug() => Words[random.Next(Words.Length)] + "-" + Animals[random.Next(Animals.Length)];

    long Stamp(long at) => ((at << 12) + (counter++ & 0xFFF)) & 0xFFFFFFFFFFFF;

    string Tail()
    {
        Span<char> tail = stackalloc char[14];
        for (var i = 0; i < tail.Length; i++) tail[i] = Base62[random.Next(Base62.Length)];
        return new string(tail);
    }
}
