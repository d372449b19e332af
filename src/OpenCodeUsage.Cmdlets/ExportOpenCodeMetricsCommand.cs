using System.Management.Automation;
using System.Net;
using OpenCodeUsage.Commands.Budgets;
using OpenCodeUsage.Go;
using OpenCodeUsage.Metrics;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Usage (and on request the Go quota) as Prometheus metrics: written to a file for node_exporter's textfile
/// collector, pushed to a Pushgateway, served at /metrics while the pipeline runs (fed by Watch-OpenCodeActivity,
/// or until -TimeoutSec or Ctrl+C), or, with none of those, output as text. With -Budget, the budgets' state too,
/// evaluated as Test-OpenCodeBudget evaluates them (its binding, context and clock).
/// </summary>
[Cmdlet(VerbsData.Export, "OpenCodeMetrics", SupportsShouldProcess = true)]
[OutputType(typeof(string), typeof(FileInfo))]
public sealed class ExportOpenCodeMetricsCommand : OpenCodeCmdlet
{
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private MetricsSource? _source;
    private MetricsEndpoint? _endpoint;
    private string? _target;
    private IReadOnlyList<string>? _dataPaths;
    private string? _eventDataPath;
    private readonly Queue<string> _backgroundWarnings = new();

    /// <summary>The file to write, e.g. in node_exporter's --collector.textfile.directory; its name should end in .prom.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>A Pushgateway to push to (its base address, e.g. http://pushgateway:9091).</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? PushGateway { get; set; }

    /// <summary>The Pushgateway job the metrics are pushed under; the machine is the group's other key.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Job { get; set; } = "opencode";

    /// <summary>Serve the metrics at http://Address:Port/metrics while this command runs.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int Port { get; set; }

    /// <summary>The address the endpoint listens on: loopback unless told otherwise (0.0.0.0 for every interface).</summary>
    [Parameter]
    [ValidateNotNull]
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>With -Port and nothing piped in: stop serving after this many seconds (0, the default: at Ctrl+C).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int TimeoutSec { get; set; }

    /// <summary>The labels to keep on the usage metrics; the others are summed over. Default: all of them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public MetricLabel[]? Label { get; set; }

    /// <summary>The machine label's value (and the Pushgateway group's); default: this computer's name.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Machine { get; set; } = System.Environment.MachineName;

    /// <summary>OpenCode data directories or database files to count instead of the default one (or the events' own).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>A models.json-shaped file or an OpenCode config to estimate costs from, as Get-OpenCodeUsage's -PricingPath.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingPath { get; set; }

    /// <summary>Add the OpenCode Go quota (asks OpenCode, as Get-OpenCodeGoQuota does; served, at most once a minute).</summary>
    [Parameter]
    public SwitchParameter IncludeGoQuota { get; set; }

    /// <summary>With -IncludeGoQuota: replaces https://opencode.ai, as Get-OpenCodeGoQuota's -BaseUri does.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri GoBaseUri { get; set; } = GoQuotaQuery.DefaultBaseUri;

    /// <summary>Budgets whose state to add: from New-OpenCodeBudget, Import-Clixml, ConvertFrom-Json or hashtables, as Test-OpenCodeBudget takes them.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public PSObject[]? Budget { get; set; }

    /// <summary>Activity events from Watch-OpenCodeActivity: the endpoint is served while they come.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ActivityEvent? InputObject { get; set; }

    /// <summary>Output the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        _target = Path is null ? null : ResolvePaths([Path])[0];
        _dataPaths = DataPath is null ? null : ResolvePaths(DataPath);
        var labels = (Label ?? Enum.GetValues<MetricLabel>()).ToHashSet();
        var pricingPath = PricingPath is null ? null : ResolvePaths([PricingPath])[0];
        var goQuery = new GoQuotaQuery { BaseUri = GoBaseUri, DataPaths = _dataPaths ?? [], Directory = CurrentDirectory };
        var budgets = Budgets();
        // The Go quota a Go budget needs is read without narration: the endpoint evaluates off the pipeline thread.
        var budgetContext = budgets.Count == 0 ? null : BudgetCmdlet.Context(_dataPaths ?? [], pricingPath, noCache: false, TimeProvider.System, Wildcards,
            () => GoQuotaReport.Get(goQuery, Environment, new ReadDiagnostics(), ActivityLog.None, CancellationToken), MetricsSource.GoQuotaEvery, ActivityLog.None);
        _source = new MetricsSource(new MetricsQuery
        {
            DataPaths = _dataPaths ?? [],
            Labels = labels,
            Machine = Machine,
            PricingPath = pricingPath,
            GoQuota = IncludeGoQuota ? goQuery : null,
            Budgets = budgets,
            BudgetContext = budgetContext,
            Log = Log,
        }, Environment);

        if (Port != 0 && ShouldProcess($"http://{HostText(Address)}:{Port}/metrics", "Serve OpenCode metrics"))
        {
            // Core's narration stays quiet off the pipeline thread: the endpoint renders on its own.
            var quiet = new MetricsSource(_source.Query with { Log = ActivityLog.None }, Environment);
            try
            {
                _endpoint = MetricsEndpoint.Start(Address, Port, cancellation => Render(quiet, cancellation));
            }
            catch (OpenCodeUsageException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex));
            }

            WriteVerbose($"Serving OpenCode metrics at {_endpoint!.Uri}.");
        }
    }

    protected override void ProcessRecord()
    {
        if (InputObject is { DataPath: { } dataPath })
        {
            lock (_gate)
            {
                _eventDataPath ??= dataPath;
            }
        }

        ReportBackground();
    }

    protected override void EndProcessing()
    {
        try
        {
            if (_endpoint is not null && !MyInvocation.ExpectingInput)
            {
                // Nothing feeds us: serve until -TimeoutSec or Ctrl+C, reporting what the scrapes met.
                var until = TimeoutSec > 0 ? DateTime.UtcNow.AddSeconds(TimeoutSec) : DateTime.MaxValue;
                while (DateTime.UtcNow < until && !CancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250)))
                {
                    ReportBackground();
                }

                if (CancellationToken.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
            }

            ReportBackground();
            // The endpoint ends with its input; what is written or pushed after it is read on this thread alone.
            StopServing();
            if (_target is null && PushGateway is null && Port != 0)
            {
                return;
            }

            Export();
        }
        finally
        {
            StopServing();
        }
    }

    protected override void StopProcessing()
    {
        base.StopProcessing();
        StopServing();
    }

    private void StopServing()
    {
        Interlocked.Exchange(ref _endpoint, null)?.Dispose();
    }

    /// <summary>The file, the push, or the text: computed once, at the end (after a watch, with what it saw).</summary>
    private void Export()
    {
        var toFile = _target is not null && ShouldProcess(_target, "Write OpenCode metrics (Prometheus textfile)");
        var toGateway = PushGateway is not null &&
            ShouldProcess(PushGateway.ToString(), $"Push OpenCode metrics as job '{Job}', machine '{Machine}'");
        var asText = _target is null && PushGateway is null;
        if (!toFile && !toGateway && !asText)
        {
            return;
        }

        OpenCodeUsageException? goFailure = null;
        var metrics = Read((diagnostics, progress) => _source!.Compute(diagnostics, progress, out goFailure, CancellationToken, DataPathsNow()),
            activity: "Computing OpenCode metrics");
        if (goFailure is not null)
        {
            WriteError(ErrorRecords.From(goFailure));
        }

        if (toFile)
        {
            Read<bool>((_, _) =>
            {
                MetricsFile.Write(_target!, metrics);
                return true;
            });
            if (PassThru)
            {
                WriteObject(InvokeProvider.Item.Get([_target!], force: true, literalPath: true), enumerateCollection: true);
            }
        }

        if (toGateway)
        {
            Read<bool>((_, _) =>
            {
                Pushgateway.Push(PushGateway!, Job, Machine, metrics, CancellationToken);
                return true;
            });
        }

        if (asText)
        {
            WriteObject(metrics.ToText());
        }
    }

    /// <summary>
    /// -Budget read as Test-OpenCodeBudget reads it; a broken budget is an error and left out, and so is a second
    /// budget of a name already given, since the budget label would not tell the two apart.
    /// </summary>
    private List<Budget> Budgets()
    {
        var budgets = new List<Budget>();
        foreach (var item in Budget ?? [])
        {
            try
            {
                var budget = BudgetInput.Checked(item);
                if (budgets.Any(b => b.Name == budget.Name))
                {
                    throw new OpenCodeUsageException(OpenCodeUsage.Budgets.BudgetErrors.Invalid, FailureKind.InvalidArgument,
                        $"Budget '{budget.Name}' is given twice: its metrics are labelled by name, so the second is left out. Give each budget its own name.", budget.Name);
                }

                budgets.Add(budget);
            }
            catch (OpenCodeUsageException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }

        return budgets;
    }

    /// <summary>The paths counted: -DataPath, else the watch's (from its events), else the default.</summary>
    private IReadOnlyList<string>? DataPathsNow()
    {
        lock (_gate)
        {
            return _dataPaths ?? (_eventDataPath is not null ? [_eventDataPath] : null);
        }
    }

    /// <summary>One scrape, on the endpoint's thread: its warnings and failures are queued for the pipeline thread.</summary>
    private MetricSet Render(MetricsSource source, CancellationToken cancellation)
    {
        var diagnostics = new ReadDiagnostics();
        var metrics = source.Compute(diagnostics, null, out var goFailure, cancellation, DataPathsNow());
        lock (_backgroundWarnings)
        {
            foreach (var text in diagnostics.Failures.Select(f => f.Message).Concat(diagnostics.Warnings))
            {
                _backgroundWarnings.Enqueue(text);
            }

            if (goFailure is not null)
            {
                _backgroundWarnings.Enqueue($"The Go quota was left out of a scrape: {goFailure.Message}");
            }
        }

        return metrics;
    }

    /// <summary>What scrapes met, as warnings on the pipeline thread, each text once.</summary>
    private void ReportBackground()
    {
        if (_endpoint?.TakeFailure() is { } failure)
        {
            Enqueue($"A scrape of the metrics failed: {failure.Message}");
        }

        List<string> pending;
        lock (_backgroundWarnings)
        {
            pending = [.. _backgroundWarnings];
            _backgroundWarnings.Clear();
        }

        foreach (var warning in pending.Where(_warned.Add))
        {
            WriteWarning(warning);
        }
    }

    private void Enqueue(string warning)
    {
        lock (_backgroundWarnings)
        {
            _backgroundWarnings.Enqueue(warning);
        }
    }

    private static string HostText(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
