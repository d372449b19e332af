using System.Management.Automation;
using OpenCodeUsage.Stats;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Commands;

/// <summary>
/// Writes the stats file the GNOME "OpenCode statistics" extension reads. Fed Watch-OpenCodeActivity's events it
/// keeps the file fresh, rewriting it at most every -ThrottleSec seconds and once more at the end.
/// </summary>
[Cmdlet(VerbsData.Export, "OpenCodeStats", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportOpenCodeStatsCommand : OpenCodeCmdlet
{
    private readonly object _gate = new();
    private Timer? _trailing;
    private string? _target;
    private bool? _approved;
    private DateTime _lastWrite = DateTime.MinValue;
    private bool _dirty;
    private string? _currentSession;
    private DateTimeOffset? _lastActivity;
    private bool? _idle;
    private string? _eventDataPath;
    private Exception? _backgroundFailure;
    private IReadOnlyList<string>? _dataPaths;
    private ReadDiagnostics? _lastDiagnostics;

    /// <summary>The file to write; default ~/.local/share/opencode/stats.json, where the extension looks.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Activity events from Watch-OpenCodeActivity: each may refresh the file (throttled).</summary>
    [Parameter(ValueFromPipeline = true)]
    public ActivityEvent? InputObject { get; set; }

    /// <summary>OpenCode data directories or database files to count instead of the default one (or the events' own).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>Quiet time after which the current session counts as idle. A number means seconds.</summary>
    [Parameter]
    [Seconds]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>With pipeline input: rewrite the file at most this often, in seconds.</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public int ThrottleSec { get; set; } = 5;

    /// <summary>Output the written file.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        // Resolved here, on the pipeline thread: the throttle's timer refreshes from another one.
        _target = Path is null ? GnomeStats.DefaultPath(Environment) : ResolvePaths([Path])[0];
        _dataPaths = DataPath is null ? null : ResolvePaths(DataPath);
    }

    protected override void ProcessRecord()
    {
        if (InputObject is not { } e)
        {
            return;
        }

        lock (_gate)
        {
            if (e.Kind != ActivityKind.SessionIdle || _currentSession is null || _currentSession == e.SessionId)
            {
                _currentSession = e.SessionId;
                _idle = e.Kind == ActivityKind.SessionIdle;
                if (e.Kind != ActivityKind.SessionIdle && (_lastActivity is null || e.Time > _lastActivity))
                {
                    _lastActivity = e.Time;
                }
            }

            _eventDataPath ??= e.DataPath;
            _dirty = true;
        }

        ReportBackgroundFailure();
        if (!Approved())
        {
            return;
        }

        var wait = _lastWrite + TimeSpan.FromSeconds(ThrottleSec) - DateTime.UtcNow;
        if (wait <= TimeSpan.Zero)
        {
            if (Refresh() is { } failure)
            {
                WriteWarning($"The statistics file was not refreshed: {failure.Message}");
            }
        }
        else
        {
            // The last events of a burst must reach the file too: one write when the throttle allows it.
            _trailing ??= new Timer(_ => RefreshInBackground());
            _trailing.Change(wait, Timeout.InfiniteTimeSpan);
        }
    }

    protected override void EndProcessing()
    {
        _trailing?.Dispose();
        _trailing = null;
        ReportBackgroundFailure();
        if (!Approved())
        {
            return;
        }

        if (Refresh() is { } failure)
        {
            ThrowTerminatingError(ErrorRecords.From(failure));
        }

        if (_lastDiagnostics is { } diagnostics)
        {
            WriteDiagnostics(diagnostics);
        }

        if (PassThru)
        {
            // Through the provider, as Get-Item does: the FileInfo then carries PSPath, so Get-Content and Copy-Item bind it.
            WriteObject(InvokeProvider.Item.Get([_target!], force: true, literalPath: true), enumerateCollection: true);
        }
    }

    protected override void StopProcessing()
    {
        base.StopProcessing();
        _trailing?.Dispose();
        _trailing = null;
        if (_approved == true && _dirty)
        {
            // Ctrl+C on the watch feeding us: the file gets the last state, not one up to -ThrottleSec old. Off this
            // thread, so stopping the pipeline never waits for a read of a large database.
            Task.Run(RefreshInBackground);
        }
    }

    private bool Approved() => _approved ??= ShouldProcess(Plan(), $"{Plan()}?", "Export-OpenCodeStats");

    /// <summary>What -WhatIf and -Confirm say: the file written and the data counted into it.</summary>
    private string Plan()
    {
        var from = _dataPaths is { Count: > 0 } ? string.Join(", ", _dataPaths.Select(p => $"'{p}'"))
            : _eventDataPath is not null ? $"'{_eventDataPath}'"
            : "OpenCode's default data directory";
        var refresh = MyInvocation.ExpectingInput ? $", again as events arrive (at most every {ThrottleSec} s)" : string.Empty;
        return $"Write the OpenCode statistics file '{_target}' (the GNOME extension's), counted from {from}{refresh}";
    }

    private void RefreshInBackground()
    {
        if (Refresh() is { } failure)
        {
            _backgroundFailure = failure;
        }
    }

    /// <summary>Computes and writes the file; runs on the pipeline thread or the throttle's timer, one at a time.</summary>
    private OpenCodeUsageException? Refresh()
    {
        lock (_gate)
        {
            var query = new StatsQuery
            {
                DataPaths = _dataPaths ?? (_eventDataPath is not null ? [_eventDataPath] : []),
                IdleAfter = IdleAfter,
                CurrentSessionId = _currentSession,
                LastActivity = _lastActivity,
                IsIdle = _idle == true ? true : null,
            };
            try
            {
                // A store that failed is reported as every reading cmdlet reports it; the file has the rest.
                var diagnostics = new ReadDiagnostics();
                GnomeStats.Write(_target!, GnomeStats.Compute(query, Environment, diagnostics, CancellationToken.None));
                _lastDiagnostics = diagnostics;
                _lastWrite = DateTime.UtcNow;
                _dirty = false;
                return null;
            }
            catch (OpenCodeUsageException ex)
            {
                return ex;
            }
        }
    }

    private void ReportBackgroundFailure()
    {
        if (Interlocked.Exchange(ref _backgroundFailure, null) is { } failure)
        {
            WriteWarning($"The statistics file was not refreshed: {failure.Message}");
        }
    }
}
