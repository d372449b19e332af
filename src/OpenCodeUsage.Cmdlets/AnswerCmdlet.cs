using System.Management.Automation;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Answers one pending request of a running OpenCode per input (piped from Get-OpenCodePermissionRequest or
/// Get-OpenCodeQuestion, whose Id, SessionId, Directory and Server bind by name), after ShouldProcess. A failed
/// answer is a non-terminating error for that request; the others still go.
/// </summary>
public abstract class AnswerCmdlet : OpenCodeServerCmdlet
{
    /// <summary>The request's id (per_… or que_…).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("RequestId")]
    [ValidateNotNullOrEmpty]
    public string Id { get; set; } = string.Empty;

    /// <summary>The session the request belongs to (a 2.x server answers per session).</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string SessionId { get; set; } = string.Empty;

    /// <summary>The project directory the request was listed for (a 1.x server answers per project); the server's own when omitted.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Directory { get; set; }

    /// <summary>Writes a PendingAnswer for each request answered.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>The answer's name for the result: Once, Always, Reject or Reply.</summary>
    private protected abstract string AnswerName { get; }

    /// <summary>What the answer does, for -WhatIf and -Confirm.</summary>
    private protected abstract string Action { get; }

    private protected virtual string? Detail => null;

    private protected abstract Task SendAsync(PendingRequests client, string? directory, CancellationToken cancellationToken);

    protected override void ProcessRecord()
    {
        var target = $"{Id} of session {SessionId} on {Shown}";
        if (!ShouldProcess(target, Action))
        {
            return;
        }

        var directory = string.IsNullOrEmpty(Directory) ? null : Directory;
        if (Call((client, ct) => SendAsync(client, directory, ct)) is { } error)
        {
            WriteError(error);
            return;
        }

        if (PassThru)
        {
            WriteObject(new PendingAnswer { RequestId = Id, SessionId = SessionId, Answer = AnswerName, Detail = Detail, Server = Server });
        }
    }
}
