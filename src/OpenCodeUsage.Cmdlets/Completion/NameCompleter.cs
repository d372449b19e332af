using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>Completes the project names, provider ids or agent names the user's data holds, most used first; honours a -DataPath already typed.</summary>
public abstract class NameCompleter(UsageGrouping kind) : IArgumentCompleter
{
    private const int MaxResults = 100;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(wordToComplete.Trim('\'', '"')) + "*", WildcardOptions.IgnoreCase);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return SessionDirectory.Names(kind, CompletionContext.DataPaths(fakeBoundParameters), Environment.GetEnvironmentVariable, timeout.Token)
                .Where(pattern.IsMatch)
                .Take(MaxResults)
                .Select(n => new CompletionResult(Quote(n), n, CompletionResultType.ParameterValue, n))
                .ToList();
        }
        catch (Exception ex) when (ex is OpenCodeUsageException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            // Completion never shows errors: no data means no suggestions.
            return [];
        }
    }

    /// <summary>A name with spaces or quotes is inserted quoted, and wildcard characters escaped, so it matches itself.</summary>
    private static string Quote(string name)
    {
        var literal = WildcardPattern.Escape(name);
        return literal.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ';' or ',' or '(' or ')' or '{' or '}' or '@' or '#' or '&' or '|')
            ? "'" + literal.Replace("'", "''") + "'"
            : literal;
    }
}

/// <summary>Completes -Project with the names of the user's projects.</summary>
public sealed class ProjectCompleter() : NameCompleter(UsageGrouping.Project);

/// <summary>Completes -Provider with the provider ids the user's messages used.</summary>
public sealed class ProviderCompleter() : NameCompleter(UsageGrouping.Provider);

/// <summary>Completes -Agent with the agents (build, plan, general, …) the user's messages were written by.</summary>
public sealed class AgentCompleter() : NameCompleter(UsageGrouping.Agent);
