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
            new DllNotFoundException(message), "SqliteNativeLibraryNotFound", ErrorCategory.ResourceUnavailable,
            NativeSqlite.RuntimeIdentifier));
    }

    /// <summary>Resolves user paths against the current PowerShell location (not the process directory), ~ included.</summary>
    protected IReadOnlyList<string> ResolvePaths(string[]? paths) =>
        paths is null ? [] : paths.Select(p => SessionState.Path.GetUnresolvedProviderPathFromPSPath(p)).ToList();

    /// <summary>A case-insensitive wildcard predicate over any of <paramref name="patterns"/>; null matches everything.</summary>
    protected static Func<string, bool>? Wildcards(string[]? patterns)
    {
        if (patterns is not { Length: > 0 })
        {
            return null;
        }

        var compiled = patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
        return value => compiled.Any(w => w.IsMatch(value));
    }

    /// <summary>
    /// A date typed without a zone ("2026-11-01") is wall-clock time in <paramref name="zone"/> (the local zone
    /// unless the command takes another), so a date alone means midnight there; Get-Date values keep their instant.
    /// </summary>
    protected static DateTimeOffset? ToOffset(DateTime? value, TimeZoneInfo? zone = null) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Utc } utc => new DateTimeOffset(utc),
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local),
        { } wall => new DateTimeOffset(wall, (zone ?? TimeZoneInfo.Local).GetUtcOffset(wall)),
    };

    /// <summary>PowerShell's current folder (not the process's), where OpenCode started from here would look for project config.</summary>
    protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

    /// <summary>Core's narration, to -Verbose and -Debug; Core calls back on the pipeline thread.</summary>
    protected ActivityLog Log => new() { Verbose = WriteVerbose, Debug = WriteDebug };

    /// <summary>Environment variables, read through one place so behaviour is the same in every cmdlet.</summary>
    protected static string? Environment(string name) => System.Environment.GetEnvironmentVariable(name);

    /// <summary>A progress callback for Core. It runs on the pipeline thread (Core calls back synchronously) and is throttled.</summary>
    internal Action<ReadProgress> Progress(int activityId, string activity) => p =>
    {
        var now = DateTime.UtcNow;
        if (now - _lastProgress < TimeSpan.FromMilliseconds(200) && p.StoresDone < p.StoresTotal)
        {
            return;
        }

        _lastProgress = now;
        var record = new ProgressRecord(activityId, activity, $"{p.Activity}: {p.Sessions:N0} sessions, {p.Messages:N0} messages read")
        {
            PercentComplete = p.StoresTotal == 0 ? -1 : Math.Min(100, p.StoresDone * 100 / p.StoresTotal),
        };
        WriteProgress(record);
    };

    internal void CompleteProgress(int activityId, string activity) =>
        WriteProgress(new ProgressRecord(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed });

    /// <summary>One error record per failed store; one warning per skipped batch. The rest of the output still comes.</summary>
    internal void WriteDiagnostics(ReadDiagnostics diagnostics)
    {
        foreach (var failure in diagnostics.Failures)
        {
            WriteError(ErrorRecords.From(failure));
        }

        foreach (var warning in diagnostics.Warnings)
        {
            WriteWarning(warning);
        }

        foreach (var note in diagnostics.Notes)
        {
            WriteVerbose(note);
        }
    }
}
