using System.Management.Automation;
using OpenCodeUsage.Report;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Writes the usage report: one self-contained HTML page (charts drawn as inline SVG, no script, nothing fetched)
/// with daily cost by model, a calendar, top sessions and projects, the cache-hit rate, tool usage and, when
/// given, the OpenCode Go windows; each chart beside a table of its figures, all from Get-OpenCodeUsage's accounting.
/// </summary>
[Cmdlet(VerbsData.Export, "OpenCodeReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOpenCodeReportCommand : UsageFilterCmdlet
{
    private const int ProgressId = 7;
    private const string Activity = "Reading OpenCode usage for the report";
    private readonly List<GoQuota> _quota = [];

    /// <summary>The HTML file to write (replaced if it exists).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = null!;

    /// <summary>The OpenCode Go windows to show (Get-OpenCodeGoQuota's output, piped or given).</summary>
    [Parameter(ValueFromPipeline = true)]
    public GoQuota[]? GoQuota { get; set; }

    /// <summary>A models.json-shaped file (or an OpenCode config) for the estimated costs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingPath { get; set; }

    /// <summary>Output the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        base.ProcessRecord();
        if (GoQuota is not null)
        {
            _quota.AddRange(GoQuota.Where(q => q is not null));
        }
    }

    protected override void EndProcessing()
    {
        var target = ResolvePaths([Path])[0];
        var query = BuildQuery([], PricingPath);
        if (!ShouldProcess(target, "Write the OpenCode usage report (HTML)"))
        {
            return;
        }

        var data = Read((diagnostics, progress) => ReportData.Gather(query, _quota, Environment, diagnostics, progress, CancellationToken),
            ProgressId, Activity);
        try
        {
            ReportFile.Write(target, HtmlReport.Render(data));
        }
        catch (OpenCodeUsageException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }

        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
