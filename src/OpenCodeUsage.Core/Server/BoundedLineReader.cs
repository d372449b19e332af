using System.Text;

namespace OpenCodeUsage.Server;

/// <summary>
/// Reads lines one at a time with a cap on each: past <c>maxChars</c> the rest of the line is read and dropped,
/// so a line that never ends costs a bounded buffer instead of growing memory until the process dies. The one
/// line reader for everything OpenCode sends: a child's stdout and a server's event stream.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxChars)
{
    /// <summary>No line OpenCode prints comes near this: 4 Mi characters (8 MiB of string).</summary>
    public const int DefaultMaxChars = 4 * 1024 * 1024;

    private readonly char[] _buffer = new char[16384];
    private readonly StringBuilder _line = new();
    private int _start;
    private int _end;

    /// <summary>How many lines were cut so far.</summary>
    public int LinesCut { get; private set; }

    /// <summary>Reads every line into <paramref name="sink"/>; returns how many were cut.</summary>
    public static async Task<int> ReadAllAsync(TextReader reader, int maxChars, Action<string> sink, CancellationToken cancellationToken = default)
    {
        var lines = new BoundedLineReader(reader, maxChars);
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            sink(line);
        }

        return lines.LinesCut;
    }

    /// <summary>The next line without its end (\n or \r\n), at most maxChars long; null at the end of the input.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.Clear();
        var cut = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    return _line.Length > 0 || cut ? Finish() : null;
                }
            }

            var newline = Array.IndexOf(_buffer, '\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            var room = Math.Min(stop - _start, maxChars - _line.Length);
            _line.Append(_buffer, _start, room);
            if (stop - _start > room && !cut)
            {
                cut = true;
                LinesCut++;
            }

            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                return Finish();
            }
        }
    }

    private string Finish() =>
        _line.Length > 0 && _line[^1] == '\r' ? _line.ToString(0, _line.Length - 1) : _line.ToString();
}
