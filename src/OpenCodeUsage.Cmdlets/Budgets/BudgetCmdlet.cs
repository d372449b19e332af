using System.Management.Automation;
using OpenCodeUsage.Budgets;
using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Commands.Budgets;

/// <summary>What Test- and Watch-OpenCodeBudget share: budgets from the pipeline, where the data is, and how to ask for Go's quota.</summary>
public abstract class BudgetCmdlet : OpenCodeCmdlet
{
    /// <summary>The budgets: from New-OpenCodeBudget, Import-Clixml, ConvertFrom-Json or hashtables.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    public PSObject[] Budget { get; set; } = [];

    /// <summary>OpenCode data directories or database files to read instead of the default one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataPath { get; set; }

    /// <summary>A models.json-shaped file (or an OpenCode config) to price Estimated budgets from.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricingPath { get; set; }

    /// <summary>Read everything afresh, neither using nor updating the cache.</summary>
    [Parameter]
    public SwitchParameter NoCache { get; set; }

    /// <summary>For Go budgets: a cookie file to use instead of an API key and the usual cookie files.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CookiePath { get; set; }

    /// <summary>For Go budgets: replaces https://opencode.ai, e.g. for a proxy.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri GoBaseUri { get; set; } = GoQuotaQuery.DefaultBaseUri;

    /// <summary>The budgets read so far, checked; a broken one was written as an error and left out.</summary>
    internal List<Budget> Budgets { get; } = [];

    protected override void ProcessRecord()
    {
        foreach (var item in Budget)
        {
            try
            {
                Budgets.Add(BudgetInput.Checked(item));
            }
            catch (OpenCodeUsageException ex)
            {
                WriteError(ErrorRecords.From(ex));
            }
        }
    }

    /// <summary>The evaluator for these budgets, on <paramref name="clock"/>, with PowerShell's wildcards for the scopes.</summary>
    internal BudgetEvaluator Evaluator(TimeProvider clock, TimeSpan? goRefresh = null)
    {
        var dataPaths = ResolvePaths(DataPath);
        var goQuery = new GoQuotaQuery
        {
            BaseUri = GoBaseUri,
            CookiePath = CookiePath is null ? null : ResolvePaths([CookiePath])[0],
            DataPaths = dataPaths,
            Directory = CurrentDirectory,
        };
        var context = Context(dataPaths, PricingPath is null ? null : ResolvePaths([PricingPath])[0], NoCache, clock, Wildcards, () =>
        {
            // Not through Read: a quota that cannot be had makes the Go budgets Unknown, it does not stop the rest.
            var diagnostics = new ReadDiagnostics();
            try
            {
                return GoQuotaReport.Get(goQuery, Environment, diagnostics, Log, CancellationToken);
            }
            finally
            {
                WriteDiagnostics(diagnostics);
            }
        }, goRefresh, Log);
        return new BudgetEvaluator(context, Environment);
    }

    /// <summary>
    /// The context every budget cmdlet evaluates in (Export-OpenCodeMetrics too): PowerShell's wildcards for the
    /// scopes, an exact id where a session pattern has none.
    /// </summary>
    internal static BudgetContext Context(IReadOnlyList<string> dataPaths, string? pricingPath, bool noCache, TimeProvider clock,
        Func<string[]?, Func<string, bool>?> wildcards, Func<IReadOnlyList<GoQuota>> goQuota, TimeSpan? goRefresh, ActivityLog log) => new()
    {
        DataPaths = dataPaths,
        Clock = clock,
        NoCache = noCache,
        PricingPath = pricingPath,
        Filter = patterns => patterns is { Count: > 0 } ? new TextFilter(patterns, wildcards(patterns.ToArray())!, "wildcard-ignore-case") : null,
        IsExactId = id => !WildcardPattern.ContainsWildcardCharacters(id),
        GoQuota = goQuota,
        GoRefresh = goRefresh,
        Log = log,
    };
}

/// <summary>A clock stopped at one moment: -AsOf.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
}
