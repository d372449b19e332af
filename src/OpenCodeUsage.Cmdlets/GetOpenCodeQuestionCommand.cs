using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>Lists the questions the agents of a running OpenCode (1.x or 2.x) are waiting to have answered.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeQuestion")]
[OutputType(typeof(QuestionRequest))]
public sealed class GetOpenCodeQuestionCommand : ListPendingCmdlet<QuestionRequest>
{
    private protected override Task<IReadOnlyList<QuestionRequest>> ListAsync(PendingRequests client, string? directory, CancellationToken cancellationToken) =>
        client.QuestionsAsync(directory, cancellationToken);
}
