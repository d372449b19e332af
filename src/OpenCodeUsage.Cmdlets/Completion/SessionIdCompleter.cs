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
            sessions = SessionDirectory.List(DataPaths(fakeBoundParameters), Environment.GetEnvironmentVariable, timeout.Token);
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

    private static IReadOnlyList<string> DataPaths(IDictionary bound)
    {
        if (!bound.Contains("DataPath"))
        {
            return [];
        }

        var value = bound["DataPath"];
        var paths = value switch
        {
            string one => [one],
            IEnumerable many => many.Cast<object>().Select(o => o?.ToString() ?? string.Empty),
            _ => [],
        };
        return paths.Where(p => p.Length > 0).Select(ResolveAgainstCurrentLocation).ToList();
    }

    /// <summary>Relative to PowerShell's location (not the process directory), ~ and drives included, as the cmdlet resolves it.</summary>
    private static string ResolveAgainstCurrentLocation(string path)
    {
        // Completion runs inside a pipeline, where SessionStateProxy calls are refused; a nested pipeline is allowed.
        using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddScript("$ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($args[0])").AddArgument(path);
        return ps.Invoke().FirstOrDefault()?.BaseObject as string ?? path;
    }
}
