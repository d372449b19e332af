using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>Answers an agent's question on a running OpenCode: the chosen labels (or typed answers).</summary>
[Cmdlet(VerbsLifecycle.Submit, "OpenCodeAnswer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PendingAnswer))]
public sealed class SubmitOpenCodeAnswerCommand : AnswerCmdlet
{
    /// <summary>
    /// The answer: for a request of one question, every value is a chosen label of it (several for a multiple
    /// choice); for a request of several questions, one value per question, in order.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] Answer { get; set; } = [];

    /// <summary>The number of questions in the request (from Get-OpenCodeQuestion); 1 when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public object[]? Questions { get; set; }

    private protected override string AnswerName => "Reply";

    private protected override string Action => $"Answer the question: {string.Join(", ", Answer)}";

    private protected override string? Detail => string.Join(", ", Answer);

    private protected override Task SendAsync(OpenCodeUsage.Server.PendingRequests client, string? directory, CancellationToken cancellationToken)
    {
        IReadOnlyList<IReadOnlyList<string>> answers = (Questions?.Length ?? 1) <= 1
            ? [Answer]
            : Answer.Select(a => (IReadOnlyList<string>)[a]).ToList();
        return client.AnswerQuestionAsync(SessionId, Id, answers, directory, cancellationToken);
    }
}
