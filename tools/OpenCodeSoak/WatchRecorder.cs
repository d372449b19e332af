using System.Management.Automation;

namespace OpenCodeSoak;

/// <summary>
/// Watch-OpenCodeActivity running in its own runspace for the whole phase. Keeps the events the final comparison
/// needs (session creations and finished steps with their running totals) and counts the rest by kind.
/// </summary>
internal sealed class WatchRecorder : IDisposable
{
    private readonly PowerShell _watch;
    private readonly PSDataCollection<PSObject> _output = [];
    private readonly IAsyncResult _run;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _kinds = new(StringComparer.Ordinal);
    private readonly HashSet<string> _created = new(StringComparer.Ordinal);
    private readonly List<WatchedStep> _steps = [];
    private readonly HashSet<string> _toolsStarted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _toolsEnded = new(StringComparer.Ordinal);
    private bool _stopping;

    private readonly StreamWriter? _eventLog;

    /// <param name="eventLog">When given, every event is also written there, one tab-separated line each, to diagnose a mismatch.</param>
    public WatchRecorder(ModuleRunspace runspace, string dataDirectory, string? eventLog = null)
    {
        _eventLog = eventLog is null ? null : new StreamWriter(eventLog) { AutoFlush = true };
        _watch = runspace.Pipeline("Watch-OpenCodeActivity -DataPath $args[0]", dataDirectory);
        _watch.Streams.Error.DataAdded += (_, e) => Problems.Error("Watch-OpenCodeActivity", _watch.Streams.Error[e.Index].ToString());
        _watch.Streams.Warning.DataAdded += (_, e) => Problems.Warning("Watch-OpenCodeActivity", _watch.Streams.Warning[e.Index].Message);
        _output.DataAdded += (_, e) => Record(_output[e.Index]);
        _run = _watch.BeginInvoke<PSObject, PSObject>(null, _output);
    }

    public ProblemLog Problems { get; } = new();

    public int Events
    {
        get
        {
            lock (_gate)
            {
                return _kinds.Values.Sum();
            }
        }
    }

    public IReadOnlyDictionary<string, int> EventsByKind
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_kinds);
            }
        }
    }

    public IReadOnlyList<WatchedStep> Steps
    {
        get
        {
            lock (_gate)
            {
                return [.. _steps];
            }
        }
    }

    /// <summary>Whether the watch reported the tool call of this part as started, and as ended (completed or failed).</summary>
    public (bool Started, bool Ended) Tool(string partId)
    {
        lock (_gate)
        {
            return (_toolsStarted.Contains(partId), _toolsEnded.Contains(partId));
        }
    }

    public bool SawCreation(string sessionId)
    {
        lock (_gate)
        {
            return _created.Contains(sessionId);
        }
    }

    private void Record(PSObject item)
    {
        var kind = item.Properties["Kind"]?.Value?.ToString() ?? "?";
        var session = item.Properties["SessionId"]?.Value as string ?? "?";
        lock (_gate)
        {
            _eventLog?.WriteLine(string.Join('\t', DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture), kind, session,
                item.Properties["MessageId"]?.Value, item.Properties["PartId"]?.Value, item.Properties["Tool"]?.Value, item.Properties["Time"]?.Value));
            _kinds[kind] = _kinds.GetValueOrDefault(kind) + 1;
            if (kind == "SessionCreated")
            {
                _created.Add(session);
            }
            else if (kind == "StepFinished")
            {
                _steps.Add(WatchedStep.Of(session, item));
            }
            else if (kind is "ToolStarted" or "ToolCompleted" or "ToolFailed" && item.Properties["PartId"]?.Value is string part)
            {
                (kind == "ToolStarted" ? _toolsStarted : _toolsEnded).Add(part);
            }
        }

        // The pipeline's own output collection would hold every event: what is needed is kept above.
        if (_output.Count > 100)
        {
            _output.Clear();
        }
    }

    /// <summary>Stops the watch. A watch that ended by itself before this ended early: that is an error.</summary>
    public void Stop()
    {
        if (_run.IsCompleted && !_stopping)
        {
            Problems.Error("Watch-OpenCodeActivity", $"the watch ended by itself ({_watch.InvocationStateInfo.State}: {_watch.InvocationStateInfo.Reason?.Message})");
        }

        _stopping = true;
        _watch.Stop();
        try
        {
            _watch.EndInvoke(_run);
        }
        catch (PipelineStoppedException)
        {
            // the end asked for
        }
        catch (RuntimeException e)
        {
            Problems.Error("Watch-OpenCodeActivity", e.GetType().Name + ": " + e.Message);
        }
    }

    public void Dispose()
    {
        if (!_stopping)
        {
            Stop();
        }

        _watch.Dispose();
        _output.Dispose();
        _eventLog?.Dispose();
    }
}
