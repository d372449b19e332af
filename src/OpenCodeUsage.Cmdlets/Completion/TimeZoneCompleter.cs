using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>Completes time zone ids known to this system.</summary>
public sealed class TimeZoneCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return TimeZoneInfo.GetSystemTimeZones()
            .Where(z => pattern.IsMatch(z.Id))
            .Select(z => new CompletionResult(z.Id.Contains(' ', StringComparison.Ordinal) ? $"'{z.Id}'" : z.Id, z.Id,
                CompletionResultType.ParameterValue, z.DisplayName));
    }
}
