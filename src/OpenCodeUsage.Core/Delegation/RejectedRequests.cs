namespace OpenCodeUsage.Delegation;

/// <summary>
/// What a run whose permission requests or questions were rejected (nobody can answer them in a delegated run) comes to,
/// the same through the CLI (<c>opencode run</c> auto-rejects them) and a server (the delegate rejects them).
/// </summary>
internal static class RejectedRequests
{
    /// <summary>The name a rejected question is recorded under, as OpenCode logs it ("permission requested: question").</summary>
    public const string Question = "question";

    /// <param name="rejected">The permissions rejected, in order; <see cref="Question"/> for a question.</param>
    public static (DelegateStatus Status, DelegateFailureKind Kind, string Error)? Classify(IReadOnlyList<string> rejected)
    {
        if (rejected is not [var permission, ..])
        {
            return null;
        }

        return rejected.Contains(Question, StringComparer.Ordinal)
            ? (DelegateStatus.Failed, DelegateFailureKind.QuestionUnanswered,
                "The agent asked a question, and a non-interactive run cannot answer it; OpenCode rejected it and the task did not finish.")
            : (DelegateStatus.Failed, DelegateFailureKind.PermissionDenied,
                $"OpenCode asked for the '{permission}' permission, which a non-interactive run cannot grant, and rejected it; the tool never ran. " +
                "Allow it in the project's opencode.json (\"permission\") or run the task another way.");
    }
}
