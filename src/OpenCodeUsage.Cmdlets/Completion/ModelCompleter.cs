using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using OpenCodeUsage.Sessions;

namespace OpenCodeUsage.Commands.Completion;

/// <summary>Completes the model ids the user's sessions used, most recent first.</summary>
public sealed class ModelCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return SessionDirectory.Models(CompletionContext.DataPaths(fakeBoundParameters), Environment.GetEnvironmentVariable, timeout.Token)
                .Where(m => pattern.IsMatch(m.ModelId))
                .Select(m => new CompletionResult(m.ModelId, m.ModelId, CompletionResultType.ParameterValue, $"{m.ProviderId}/{m.ModelId}"))
                .ToList();
        }
        catch (Exception ex) when (ex is OpenCodeUsageException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
