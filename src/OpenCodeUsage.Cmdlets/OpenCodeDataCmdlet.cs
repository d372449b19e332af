using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>
/// The parameters every cmdlet reading OpenCode's history shares, declared once: where the data is (-DataPath,
/// also taken from piped objects), the cache switch, the time window and the project filter.
/// </summary>
public abstract class OpenCodeDataCmdlet : OpenCodeCmdlet
{
    /// <summary>OpenCode data directories or database files to read instead of the default one; binds from piped objects' DataPath.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>Only what happened at or after this time.</summary>
    [Parameter]
    [Alias("Since")]
    public DateTime? After { get; set; }

    /// <summary>Only what happened before this time.</summary>
    [Parameter]
    [Alias("Until")]
    public DateTime? Before { get; set; }

    /// <summary>Only the last N days: today and the N − 1 days before it, from midnight (instead of -After).</summary>
    [Parameter]
    [ValidateRange(1, 36_500)]
    public int? Days { get; set; }

    /// <summary>Only these projects (name, id or worktree); wildcards allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(Completion.ProjectCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Project { get; set; }

    /// <summary>Session ids and data paths from every input record.</summary>
    internal PipelineInput Input { get; } = new();

    /// <summary>Piped in, but nothing came: the command answers with nothing (not with everything).</summary>
    protected bool PipedNothing => Input.IsEmpty(MyInvocation);

    /// <summary>The data paths to read, resolved against PowerShell's location; empty for the default data dir.</summary>
    protected IReadOnlyList<string> DataPaths => ResolvePaths(Input.DataPaths);

    /// <summary>The session ids bound for the current record (-Id, -SessionId); null when the cmdlet takes none.</summary>
    protected virtual string[]? RecordIds => null;

    protected override void ProcessRecord() => Input.Add(RecordIds, DataPath);

    /// <summary>-After and -Before as instants (dates without a zone are wall-clock in <paramref name="zone"/>); After later than Before is an error.</summary>
    protected (DateTimeOffset? After, DateTimeOffset? Before) TimeWindow(TimeZoneInfo? zone = null)
    {
        var (after, before) = (ToOffset(After, zone), ToOffset(Before, zone));
        if (Days is { } days)
        {
            if (After is not null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException("-Days and -After both say where the period starts; give one of them."),
                    ErrorIds.DateRangeInvalid, ErrorCategory.InvalidArgument, Days));
            }

            after = StartOfLastDays(days, zone ?? TimeZoneInfo.Local, DateTimeOffset.UtcNow);
        }

        if (after > before)
        {
            ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-After ({after:u}) is later than -Before ({before:u}): no time is both. Swap them, or leave one out."),
                ErrorIds.DateRangeInvalid, ErrorCategory.InvalidArgument, After));
        }

        return (after, before);
    }

    /// <summary>Midnight, in <paramref name="zone"/>, of the first of the last <paramref name="days"/> days ending today.</summary>
    internal static DateTimeOffset StartOfLastDays(int days, TimeZoneInfo zone, DateTimeOffset now)
    {
        var firstDay = TimeZoneInfo.ConvertTime(now, zone).Date.AddDays(1 - days);
        return new DateTimeOffset(firstDay, zone.GetUtcOffset(firstDay));
    }
}
