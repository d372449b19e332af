namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Ids in OpenCode's format: prefix, '_', 12 hex digits of (milliseconds · 4096 + a per-millisecond counter)
/// cut to 48 bits, then 14 random base62 characters. Message, part and event ids ascend with time; session
/// ids descend (OpenCode inverts the bits so the newest session sorts first), as in real databases.
/// </summary>
internal sealed class OpenCodeIds(Random random)
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private long _lastMilliseconds = -1;
    private int _counter;

    public string Session(long ms) => Make("ses", ms, descending: true);

    public string Message(long ms) => Make("msg", ms, descending: false);

    public string Part(long ms) => Make("prt", ms, descending: false);

    public string Event(long ms) => Make("evt", ms, descending: false);

    /// <summary>Random hex, for git-like hashes (project ids, snapshots) and tool call ids.</summary>
    public string Hex(int length)
    {
        Span<char> text = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = "0123456789abcdef"[random.Next(16)];
        }

        return new string(text);
    }

    public string Base62Text(int length)
    {
        Span<char> text = stackalloc char[length];
        for (var i = 0; i < length; i++)
        {
            text[i] = Base62[random.Next(62)];
        }

        return new string(text);
    }

    private string Make(string prefix, long ms, bool descending)
    {
        // OpenCode keeps one counter for the process, reset when the millisecond changes.
        if (ms != _lastMilliseconds)
        {
            _lastMilliseconds = ms;
            _counter = 0;
        }

        _counter++;
        var now = (ulong)ms * 0x1000 + (ulong)_counter;
        if (descending)
        {
            now = ~now;
        }

        now &= 0xFFFF_FFFF_FFFF;
        Span<char> text = stackalloc char[prefix.Length + 1 + 12 + 14];
        prefix.CopyTo(text);
        text[prefix.Length] = '_';
        var at = prefix.Length + 1;
        for (var shift = 44; shift >= 0; shift -= 4)
        {
            text[at++] = "0123456789abcdef"[(int)((now >> shift) & 0xF)];
        }

        for (var i = 0; i < 14; i++)
        {
            text[at++] = Base62[random.Next(62)];
        }

        return new string(text);
    }
}
