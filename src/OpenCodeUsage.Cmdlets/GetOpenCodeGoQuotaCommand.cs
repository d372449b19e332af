using System.Management.Automation;
using OpenCodeUsage.Go;

namespace OpenCodeUsage.Commands;

/// <summary>Reports how much of each OpenCode Go limit window is used, with the local spend and a projection beside it.</summary>
[Cmdlet(VerbsCommon.Get, "OpenCodeGoQuota", DefaultParameterSetName = NowSet)]
[OutputType(typeof(GoQuota), ParameterSetName = [NowSet])]
[OutputType(typeof(GoQuotaSample), ParameterSetName = [HistorySet])]
public sealed class GetOpenCodeGoQuotaCommand : OpenCodeCmdlet
{
    private const string NowSet = "Now";
    private const string HistorySet = "History";

    /// <summary>The readings kept so far, each beside the local spend in its window, instead of asking OpenCode.</summary>
    [Parameter(Mandatory = true, ParameterSetName = HistorySet)]
    public SwitchParameter History { get; set; }

    /// <summary>A cookie file to use instead of an API key and the usual cookie files.</summary>
    [Parameter(ParameterSetName = NowSet)]
    [ValidateNotNullOrEmpty]
    public string? CookiePath { get; set; }

    /// <summary>Replaces https://opencode.ai, e.g. for a proxy.</summary>
    [Parameter(ParameterSetName = NowSet)]
    [ValidateNotNull]
    public Uri BaseUri { get; set; } = GoQuotaQuery.DefaultBaseUri;

    /// <summary>OpenCode data directories or database files for the local spend, instead of the default one.</summary>
    [Parameter(ParameterSetName = NowSet)]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    protected override void EndProcessing()
    {
        if (History)
        {
            WriteObject(GoQuotaHistory.Read(Environment), enumerateCollection: true);
            return;
        }

        var query = new GoQuotaQuery
        {
            BaseUri = BaseUri,
            CookiePath = CookiePath is null ? null : ResolvePaths([CookiePath])[0],
            DataPaths = ResolvePaths(DataPath),
            Directory = CurrentDirectory,
        };
        WriteObject(Read((diagnostics, _) => GoQuotaReport.Get(query, Environment, diagnostics, Log, CancellationToken)), enumerateCollection: true);
    }
}
