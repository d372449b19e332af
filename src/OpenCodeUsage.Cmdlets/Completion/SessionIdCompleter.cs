using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>Completes session ids, newest first, showing each session's title; honours a -DataPath already typed.</summary>
public sealed class SessionIdCompleter : IArgumentCompleter
{
    private const int MaxResults = 100;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = wordToComplete.Trim('\'', '"');
        var pattern = WildcardPattern.Get(prefix + "*", WildcardOptions.IgnoreCase);
        IReadOnlyList<(string Id, string? Title, DateTimeOffset Updated)> sessions;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            sessions = SessionDirectory.List(CompletionContext.DataPaths(fakeBoundParameters), Environment.GetEnvironmentVariable, timeout.Token);
        }
        catch (Exception ex) when (ex is OpenCodeUsageException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // Completion never shows errors: no data means no suggestions.
            return [];
        }

        return sessions
            .Where(s => pattern.IsMatch(s.Id) || (s.Title is not null && pattern.IsMatch(s.Title)))
            .Take(MaxResults)
            .Select(s => new CompletionResult(s.Id, s.Id, CompletionResultType.ParameterValue,
                $"{s.Title ?? "(untitled)"} — {s.Updated:g}"))
            .ToList();
    }
}
