using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>Turns how an <c>opencode run</c> process ended into a status, a failure kind and an error text.</summary>
internal static class OutcomeClassifier
{
    public static (DelegateStatus Status, DelegateFailureKind Kind, string? Error) Classify(ProcessOutcome outcome)
    {
        if (outcome.StartError is { } startError)
        {
            var denied = startError.Contains("denied", StringComparison.OrdinalIgnoreCase);
            return (DelegateStatus.Failed, denied ? DelegateFailureKind.PermissionDenied : DelegateFailureKind.ProcessFailed, startError);
        }

        if (outcome.Cancelled)
        {
            return (DelegateStatus.Cancelled, DelegateFailureKind.Cancelled, "Stopped; the OpenCode process tree was killed.");
        }

        if (outcome.TimedOut)
        {
            // OpenCode retries rate limits and unreachable providers without end: its log says why it never finished.
            var retried = outcome.Log.LastStreamError(outcome.Events.SessionId ?? outcome.Log.CreatedSession) ?? outcome.Log.LastStreamError(null);
            var kind = retried is { } r ? FailureClassifier.Classify(r.Name, r.Message, null) : DelegateFailureKind.Timeout;
            var error = "OpenCode did not finish in time; its process tree was killed.";
            return retried is { } last && kind is not (DelegateFailureKind.Unknown or DelegateFailureKind.ProviderError)
                ? (DelegateStatus.TimedOut, kind, $"{error} The provider kept failing: {last.Message}")
                : (DelegateStatus.TimedOut, DelegateFailureKind.Timeout, error);
        }

        if (outcome.LinesCut > 0)
        {
            return (DelegateStatus.Failed, DelegateFailureKind.OutputTooLarge, string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"OpenCode printed {outcome.LinesCut} output line(s) longer than {BoundedLineReader.DefaultMaxChars:N0} characters; they were cut, so the run's events are incomplete."));
        }

        if (outcome.Events.Errors is [var first, ..])
        {
            var (name, message) = Resolve(first, outcome.Log);
            return (DelegateStatus.Failed, FailureClassifier.Classify(name, message, first.StatusCode), message);
        }

        if (outcome.ExitCode is not 0)
        {
            var said = outcome.Log.Notices.LastOrDefault(n => n.StartsWith("Error:", StringComparison.Ordinal))?["Error:".Length..].Trim();
            var kind = said is not null && said.Contains("Session not found", StringComparison.OrdinalIgnoreCase)
                ? DelegateFailureKind.SessionNotFound
                : DelegateFailureKind.ProcessFailed;
            return (DelegateStatus.Failed, kind, said ?? $"OpenCode exited with code {outcome.ExitCode}." + Tail(outcome.Log));
        }

        if (RejectedRequests.Classify(outcome.Log.RejectedPermissions) is { } rejected)
        {
            return rejected;
        }

        if (outcome.Events.Usage.Steps == 0 && outcome.Events.Text is null)
        {
            return (DelegateStatus.Failed, DelegateFailureKind.NoOutput, "OpenCode finished without reporting any step of work." + Tail(outcome.Log));
        }

        if (string.IsNullOrWhiteSpace(outcome.Events.Text))
        {
            return (DelegateStatus.Failed, DelegateFailureKind.NoOutput, "OpenCode finished without an answer: the model replied with no text." + Tail(outcome.Log));
        }

        return (DelegateStatus.Succeeded, DelegateFailureKind.None, null);
    }

    /// <summary>An UnknownError only carries a reference; OpenCode's log has the real error under it.</summary>
    private static (string Name, string Message) Resolve(EventError error, RunLog log) =>
        error.Reference is { } reference && log.Failure(reference) is { } logged ? logged : (error.Name, error.Message);

    private static string Tail(RunLog log) => log.Notices is [.., var last] ? " OpenCode said: " + last : string.Empty;
}
