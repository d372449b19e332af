using System.Text;

namespace OpenCodeUsage.Storage;

/// <summary>Compares SQLite's UTF-8 text with strings without decoding it.</summary>
internal static class Utf8Text
{
    /// <summary>Ids are ASCII; anything else is compared decoded, as it would be read.</summary>
    public static bool Same(string text, ReadOnlySpan<byte> utf8) =>
        Ascii.Equals(utf8, text) || (!Ascii.IsValid(utf8) && Encoding.UTF8.GetString(utf8) == text);

    /// <summary>A hash of the bytes, equal for equal text: the UTF-8 of a string hashes as the string's bytes do.</summary>
    public static int Hash(ReadOnlySpan<byte> utf8)
    {
        var hash = new HashCode();
        hash.AddBytes(utf8);
        return hash.ToHashCode();
    }

    public static int Hash(string text)
    {
        var buffer = text.Length <= 128 ? stackalloc byte[text.Length * 3] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        return Hash(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
    }
}
