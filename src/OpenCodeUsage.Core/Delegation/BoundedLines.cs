using System.Text;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Reads lines of a child's output with a cap on each: past <paramref name="maxChars"/> the rest of the line is
/// read and dropped, so one endless line costs a bounded buffer instead of growing memory with its length.
/// </summary>
internal static class BoundedLines
{
    /// <summary>No event OpenCode prints comes near this: 4 Mi characters (8 MiB of string).</summary>
    public const int DefaultMaxChars = 4 * 1024 * 1024;

    /// <returns>How many lines were cut.</returns>
    public static async Task<int> ReadAsync(TextReader reader, int maxChars, Action<string> sink, CancellationToken cancellationToken = default)
    {
        var buffer = new char[81920];
        var line = new StringBuilder();
        var cut = 0;
        var dropping = false;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            var start = 0;
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != '\n')
                {
                    continue;
                }

                Append(buffer, start, i - start);
                Emit();
                start = i + 1;
            }

            Append(buffer, start, read - start);
        }

        if (line.Length > 0 || dropping)
        {
            Emit();
        }

        return cut;

        void Append(char[] chars, int from, int count)
        {
            var room = Math.Min(count, maxChars - line.Length);
            if (room > 0)
            {
                line.Append(chars, from, room);
            }

            if (count > room && !dropping)
            {
                dropping = true;
                cut++;
            }
        }

        void Emit()
        {
            var text = line.Length > 0 && line[^1] == '\r' ? line.ToString(0, line.Length - 1) : line.ToString();
            line.Clear();
            dropping = false;
            sink(text);
        }
    }
}
