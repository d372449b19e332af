using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>Completes provider/model, as OpenCode's -m flag takes it, from the models the user's sessions used.</summary>
public sealed class ProviderModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return SessionDirectory.Models([], Environment.GetEnvironmentVariable, timeout.Token)
                .Where(m => m.ProviderId is not null)
                .Select(m => $"{m.ProviderId}/{m.ModelId}")
                .Distinct(StringComparer.Ordinal)
                .Where(pattern.IsMatch)
                .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m))
                .ToList();
        }
        catch (Exception ex) when (ex is OpenCodeUsageException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
