using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using OpenCodeUsage.Go;

namespace OpenCodeUsage.Commands;

/// <summary>Saves the OpenCode console cookie and workspace id for Get-OpenCodeGoQuota, in an owner-only file.</summary>
[Cmdlet(VerbsCommon.Set, "OpenCodeGoCookie", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(Credential))]
public sealed class SetOpenCodeGoCookieCommand : OpenCodeCmdlet
{
    private string _workspaceId = string.Empty;
    private string _path = string.Empty;

    /// <summary>The workspace id, or the dashboard URL https://opencode.ai/workspace/&lt;id&gt;/go.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string WorkspaceId { get; set; } = string.Empty;

    /// <summary>The value of the browser's "auth" cookie for opencode.ai; prompted for, hidden, when omitted.</summary>
    [Parameter(Position = 1, ValueFromPipeline = true)]
    public SecureString? Cookie { get; set; }

    /// <summary>The file to write instead of the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Emits the saved cookie as a credential.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    // Writes a JSON file: no database, so no native SQLite check.
    protected override void BeginProcessing()
    {
        try
        {
            _workspaceId = GoCookieFile.ParseWorkspaceId(WorkspaceId);
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }

        _path = Path is null ? GoCookieFile.DefaultPath(Environment) : ResolvePaths([Path])[0];
    }

    protected override void ProcessRecord()
    {
        var action = $"Save the OpenCode Go cookie for workspace {_workspaceId} to '{_path}' (an owner-only file; one already there is replaced)";
        if (!ShouldProcess(action, $"{action}?", "Set-OpenCodeGoCookie"))
        {
            return;
        }

        try
        {
            var credential = GoCookieFile.Write(_path, _workspaceId, Cookie ?? PromptForCookie());
            if (PassThru)
            {
                WriteObject(credential);
            }
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    private SecureString PromptForCookie()
    {
        Exception? failure = null;
        if (Host?.UI is { } ui)
        {
            try
            {
                ui.Write("Value of the 'auth' cookie of opencode.ai (input is hidden): ");
                return ui.ReadLineAsSecureString();
            }
            catch (Exception ex) when (ex is HostException or PSInvalidOperationException or NotImplementedException or NotSupportedException)
            {
                failure = ex;
            }
        }

        ThrowTerminatingError(new ErrorRecord(
            new PSInvalidOperationException("-Cookie was not given and this host cannot prompt for it. Pass -Cookie, for example (Get-Secret OpenCodeGo).", failure),
            ErrorIds.GoCookieNeeded, ErrorCategory.InvalidOperation, _path));
        throw new InvalidOperationException(); // unreachable: ThrowTerminatingError always throws
    }
}
