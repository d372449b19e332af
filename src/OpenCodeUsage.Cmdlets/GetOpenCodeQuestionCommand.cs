using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>Lists the questions the agents of a running OpenCode (1.x or 2.x) are waiting to have answered.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeQuestion")]
[OutputType(typeof(QuestionRequest))]
public sealed class GetOpenCodeQuestionCommand : OpenCodeServerCmdlet
{
    /// <summary>Only questions of these sessions (wildcards).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.SessionIdCompleter))]
    public string[]? SessionId { get; set; }

    /// <summary>The project directory on the server's machine to ask about; the server's own when omitted.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Directory { get; set; }

    protected override void ProcessRecord()
    {
        IReadOnlyList<QuestionRequest> questions = [];
        var sessions = Wildcards(SessionId);
        if (Call(async (client, ct) => questions = await client.QuestionsAsync(Directory, ct).ConfigureAwait(false)) is { } error)
        {
            ThrowTerminatingError(error);
        }

        foreach (var question in questions.Where(q => sessions is null || sessions(q.SessionId)))
        {
            WriteObject(question);
        }
    }
}
