using System.Management.Automation;
using OpenCodeUsage.Commands.Loading;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Commands;

/// <summary>
/// What every cmdlet of the module shares: cancellation on Ctrl+C, the native SQLite check, paths and
/// wildcards the PowerShell way, progress and turning Core's failures into error records.
/// </summary>
public abstract class OpenCodeCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private DateTime _lastProgress = DateTime.MinValue;

    protected OpenCodeCmdlet() => ModuleInitializer.Register();

    /// <summary>Cancelled by <see cref="StopProcessing"/>: Ctrl+C stops Core's work at once.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    protected override void BeginProcessing() => EnsureNativeSqlite();

    protected override void StopProcessing() => _cancellation.Cancel();

    public void Dispose()
    {
        _cancellation.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Fails with a clear record, naming the platform and the paths tried, when e_sqlite3 cannot load.</summary>
    protected void EnsureNativeSqlite()
    {
        if (NativeSqlite.Load(NativeSqlite.DependencyDirectory) != IntPtr.Zero)
        {
            return;
        }

        var message = $"The native SQLite library for runtime '{NativeSqlite.RuntimeIdentifier}' could not be loaded. " +
                      $"Searched: {string.Join(", ", NativeSqlite.Searched.Select(p => $"'{p}'"))}. " +
                      "This platform may not be supported, or the module folder is incomplete; reinstall the module.";
        ThrowTerminatingError(new ErrorRecord(
            new DllNotFoundException(message), ErrorIds.SqliteNativeLibraryNotFound, ErrorCategory.ResourceUnavailable,
            NativeSqlite.RuntimeIdentifier));
    }

    /// <summary>Resolves user paths against the current PowerShell location (not the process directory), ~ included.</summary>
    protected IReadOnlyList<string> ResolvePaths(string[]? paths) =>
        paths is null ? [] : paths.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToList();

    /// <summary>
    /// A case-insensitive wildcard predicate over any of <paramref name="patterns"/>; null matches everything. A
    /// pattern PowerShell cannot parse ("[ab") stops the command here, with our id, not at its first match.
    /// </summary>
    protected Func<string, bool>? Wildcards(string[]? patterns)
    {
        if (patterns is not { Length: > 0 })
        {
            return null;
        }

        var compiled = patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var (pattern, wildcard) in patterns.Zip(compiled))
        {
            try
            {
                wildcard.IsMatch(string.Empty); // parses the pattern, which Get leaves for the first match
            }
            catch (WildcardPatternException ex)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"'{pattern}' is not a valid wildcard pattern: {ex.Message} Escape [ and ] with a backtick to match them literally.", ex),
                    ErrorIds.WildcardInvalid, ErrorCategory.InvalidArgument, pattern));
            }
        }

        return value => compiled.Any(w => w.IsMatch(value));
    }

    /// <summary>
    /// A date typed without a zone ("2026-11-01") is wall-clock time in <paramref name="zone"/> (the local zone
    /// unless the command takes another), so a date alone means midnight there; Get-Date values keep their instant.
    /// A date whose instant falls outside what a DateTimeOffset holds ([datetime]::MinValue east of UTC) is an error.
    /// </summary>
    protected DateTimeOffset? ToOffset(DateTime? value, TimeZoneInfo? zone = null)
    {
        try
        {
            return value switch
            {
                null => null,
                { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc),
                { Kind: DateTimeKind.Local } local => new DateTimeOffset(local),
                { } wall => new DateTimeOffset(wall, (zone ?? TimeZoneInfo.Local).GetUtcOffset(wall)),
            };
        }
        catch (ArgumentOutOfRangeException ex)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentOutOfRangeException($"The date {value:o} in {(zone ?? TimeZoneInfo.Local).Id} is outside the range of dates that can be compared; pass a later (or earlier) one.", ex),
                ErrorIds.DateOutOfRange, ErrorCategory.InvalidArgument, value));
            throw; // unreachable: ThrowTerminatingError always throws
        }
    }

    /// <summary>PowerShell's current folder (not the process's), where OpenCode started from here would look for project config.</summary>
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>Core's narration, to -Verbose and -Debug; Core calls back on the pipeline thread.</summary>
    protected ActivityLog Log => new() { Verbose = WriteVerbose, Debug = WriteDebug };

    /// <summary>Environment variables, read through one place so behaviour is the same in every cmdlet.</summary>
    protected static string? Environment(string name) => System.Environment.GetEnvironmentVariable(name);

    /// <summary>
    /// The one way a cmdlet runs a read in Core: progress while it runs (when <paramref name="activity"/> is given),
    /// Ctrl+C as a stopped pipeline, Core's failure as a terminating record with what went wrong before it, and the
    /// read's failed stores and warnings written after it.
    /// </summary>
    internal T Read<T>(Func<ReadDiagnostics, Action<ReadProgress>?, T> read, int progressId = 0, string? activity = null)
    {
        var diagnostics = new ReadDiagnostics();
        T result;
        try
        {
            result = read(diagnostics, activity is null ? null : Progress(progressId, activity));
        }
        catch (OpenCodeUsageException ex)
        {
            WriteDiagnostics(diagnostics);
            ThrowTerminatingError(ErrorRecords.From(ex));
            throw; // unreachable: ThrowTerminatingError always throws
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            if (activity is not null)
            {
                CompleteProgress(progressId, activity);
            }
        }

        WriteDiagnostics(diagnostics);
        return result;
    }

    /// <summary>
    /// A progress callback for Core. It runs on the pipeline thread (Core calls back synchronously) and is throttled.
    /// The percent counts finished stores and, within the store being read, rows read against the rows it holds.
    /// </summary>
    private Action<ReadProgress> Progress(int activityId, string activity) => p =>
    {
        var now = DateTime.UtcNow;
        if (now - _lastProgress < TimeSpan.FromMilliseconds(200) && p.StoresDone < p.StoresTotal)
        {
            return;
        }

        _lastProgress = now;
        var withinStore = p.MessagesTotal > 0 ? Math.Min(1.0, (double)p.Messages / p.MessagesTotal) : 0.0;
        var record = new ProgressRecord(activityId, activity, $"{p.Activity}: {p.Sessions:N0} sessions, {p.Messages:N0} messages read")
        {
            PercentComplete = p.StoresTotal == 0 ? -1 : (int)Math.Min(100, (p.StoresDone + withinStore) * 100 / p.StoresTotal),
        };
        WriteProgress(record);
    };

    private void CompleteProgress(int activityId, string activity) =>
        WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });

    /// <summary>
    /// One error record per failed store; one warning per skipped batch. The rest of the output still comes. A
    /// warning Core means for once per session (models without a price) is given once per runspace.
    /// </summary>
    internal void WriteDiagnostics(ReadDiagnostics diagnostics)
    {
        foreach (var failure in diagnostics.Failures)
        {
            WriteError(ErrorRecords.From(failure));
        }

        foreach (var warning in diagnostics.Warnings)
        {
            if (!ReadDiagnostics.IsOncePerSession(warning) || OnceWarnings.FirstTime(warning))
            {
                WriteWarning(warning);
            }
        }

        foreach (var note in diagnostics.Notes)
        {
            WriteVerbose(note);
        }
    }
}
