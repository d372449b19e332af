using System.Text;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// A program and its arguments as one line a user can read and paste into PowerShell: arguments quoted in
/// single quotes where PowerShell would otherwise split or interpret them. For display only; runs never use it.
/// </summary>
public static class CommandLineText
{
    private const string Special = "'\"$`;&|(){}<>@#,[]";

    public static string Format(string program, IEnumerable<string> arguments)
    {
        var text = new StringBuilder();
        text.Append(NeedsQuotes(program) ? "& " + Quote(program) : program);
        foreach (var argument in arguments)
        {
            text.Append(' ').Append(NeedsQuotes(argument) ? Quote(argument) : argument);
        }

        return text.ToString();
    }

    // "--" alone is PowerShell's own end-of-parameters token: quoted, it reaches the program in every version.
    private static bool NeedsQuotes(string argument) =>
        argument.Length == 0 || argument == "--" || argument.Any(c => char.IsWhiteSpace(c) || Special.Contains(c));

    private static string Quote(string argument) => "'" + argument.Replace("'", "''") + "'";
}
