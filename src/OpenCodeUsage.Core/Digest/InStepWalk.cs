using System.Text;

namespace OpenCodeUsage.Digest;

/// <summary>
/// Reads a table's (key, number) rows beside the rows read last time, in step. OpenCode only appends to its
/// session and event_sequence tables or updates their rows in place, so the rows come back in the order they
/// came before, and an unchanged row costs a byte comparison: no string, no lookup. A key out of step (a row
/// removed, a table rebuilt) or fewer rows than before ends the walk; the caller then reads the slow way.
/// </summary>
internal sealed class InStepWalk(int knownCount, Func<int, string> knownKey, Func<int, long> knownNumber)
{
    private int _position;
    private bool _outOfStep;

    /// <summary>Known rows whose number moved: their position and new number.</summary>
    public List<(int Position, long Number)> Moved { get; } = [];

    /// <summary>Rows past the known ones, in table order.</summary>
    public List<(string Key, long Number)> Added { get; } = [];

    /// <summary>Every known row came back in its place: <see cref="Moved"/> and <see cref="Added"/> are all that changed.</summary>
    public bool InStep => !_outOfStep && _position >= knownCount;

    public bool Visit(ReadOnlySpan<byte> key, long number)
    {
        if (_position < knownCount)
        {
            if (!Storage.Utf8Text.Same(knownKey(_position), key))
            {
                _outOfStep = true;
                return false;
            }

            if (knownNumber(_position) != number)
            {
                Moved.Add((_position, number));
            }
        }
        else
        {
            Added.Add((Encoding.UTF8.GetString(key), number));
        }

        _position++;
        return true;
    }
}
