using System.Text;

namespace OpenCodeFixture.Mock;

/// <summary>The few Python str methods mockllm.py relies on, so replies and counts match it.</summary>
static class PythonText
{
    /// <summary>str.split() without arguments: runs of whitespace, no empty pieces.</summary>
    public static string[] SplitWords(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || IsSpace(text[i]);
            if (boundary && start >= 0)
            {
                words.Add(text[start..i]);
                start = -1;
            }
            else if (!boundary && start < 0)
            {
                start = i;
            }
        }
        return [.. words];
    }

    /// <summary>str.isspace(): .NET's whitespace plus the ASCII separators U+001C..U+001F.</summary>
    static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    /// <summary>Keeps the characters for which str.isalnum() is true (letters and numbers).</summary>
    public static string KeepAlphanumeric(string word)
    {
        var sb = new StringBuilder(word.Length);
        foreach (var rune in word.EnumerateRunes())
        {
            if (Rune.IsLetter(rune) || Rune.IsNumber(rune)) sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>str.capitalize(): first character upper, the rest lower.</summary>
    public static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();
}
