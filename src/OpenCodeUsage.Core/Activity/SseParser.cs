using System.Text;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Server-sent events, line by line (the WHATWG event-stream format): <c>data:</c> lines gather until a blank
/// line ends the event; comments (<c>:</c>) and the other fields are passed over. OpenCode sends JSON in data.
/// </summary>
internal sealed class SseParser
{
    /// <summary>An event larger than this is damage or abuse, not OpenCode: it is dropped.</summary>
    internal const int MaxEventChars = 32 * 1024 * 1024;

    private readonly StringBuilder _data = new();
    private bool _overflow;

    /// <summary>Takes one line (without its end); returns an event's data when the line completes one.</summary>
    public string? Line(string line)
    {
        if (line.Length == 0)
        {
            var overflow = _overflow;
            _overflow = false;
            if (_data.Length == 0 || overflow)
            {
                _data.Clear();
                return null;
            }

            var data = _data.ToString();
            _data.Clear();
            return data;
        }

        if (line[0] == ':')
        {
            return null;
        }

        var colon = line.IndexOf(':');
        var field = colon < 0 ? line : line[..colon];
        if (field != "data")
        {
            return null;
        }

        if (_overflow)
        {
            return null;
        }

        var value = colon < 0 ? string.Empty : line[(colon + 1)..];
        if (value.StartsWith(' '))
        {
            value = value[1..];
        }

        if (_data.Length + value.Length + 1 > MaxEventChars)
        {
            _overflow = true;
            _data.Clear();
            return null;
        }

        if (_data.Length > 0)
        {
            _data.Append('\n');
        }

        _data.Append(value);
        return null;
    }
}
