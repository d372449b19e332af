using System.Text.RegularExpressions;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// <c>Model: provider/model</c>, <c>Variant: name</c> and <c>Agent: name</c> lines at the very top of a prompt,
/// the way agents and scripts that delegate already write them. They are taken off the prompt and applied.
/// Only well-formed lines count, so a prompt that merely starts with "Model: the user asked…" is left alone.
/// </summary>
public static partial class PromptDirectives
{
    public sealed record Result(string Prompt, string? Model, string? Variant, string? Agent);

    public static Result Parse(string prompt)
    {
        string? model = null, variant = null, agent = null;
        var position = 0;
        var found = false;
        while (position < prompt.Length)
        {
            var end = prompt.IndexOf('\n', position);
            var line = (end < 0 ? prompt[position..] : prompt[position..end]).TrimEnd('\r');
            var match = Directive().Match(line);
            if (!match.Success || !Apply(match.Groups["name"].Value, match.Groups["value"].Value, ref model, ref variant, ref agent))
            {
                break;
            }

            found = true;
            position = end < 0 ? prompt.Length : end + 1;
        }

        if (!found)
        {
            return new Result(prompt, null, null, null);
        }

        // The blank lines that separated the directives from the task are not part of the task.
        var rest = prompt[position..];
        while (rest.Length > 0 && BlankLine().Match(rest) is { Success: true } blank)
        {
            rest = rest[blank.Length..];
        }

        return new Result(rest, model, variant, agent);
    }

    /// <summary>provider/model with no whitespace, both parts non-empty (model ids may contain more slashes).</summary>
    public static bool IsModel(string value) => ModelPattern().IsMatch(value);

    private static bool Apply(string name, string value, ref string? model, ref string? variant, ref string? agent)
    {
        switch (name.ToLowerInvariant())
        {
            case "model" when IsModel(value):
                model = value;
                return true;
            case "variant" when NamePattern().IsMatch(value):
                variant = value;
                return true;
            case "agent" when NamePattern().IsMatch(value):
                agent = value;
                return true;
            default:
                return false;
        }
    }

    [GeneratedRegex(@"^[ \t]*(?<name>model|variant|agent)[ \t]*:[ \t]*(?<value>\S+)[ \t]*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();

    [GeneratedRegex(@"^[^\s/]+/\S+$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelPattern();

    [GeneratedRegex(@"^[\w.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[ \t]*\r?\n", RegexOptions.CultureInvariant)]
    private static partial Regex BlankLine();
}
