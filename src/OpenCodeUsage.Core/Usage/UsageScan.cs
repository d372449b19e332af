using OpenCodeUsage.Accounting;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Usage;

/// <summary>One assistant message that passed the query's filters, with what is known about its session.</summary>
internal readonly record struct CountedMessage(
    SessionRecord Session, ProjectRecord? Project, SessionDigest Digest, AssistantRow Row, bool IsForkCopy, ModelPrice? Price)
{
    public decimal? EstimatedCost => Price?.Estimate(Row.Input, Row.Output, Row.Reasoning, Row.CacheRead, Row.CacheWrite);
}

/// <summary>One session as a scan meets it: its project, digest and which of its rows are fork copies.</summary>
internal readonly record struct SessionScope(SessionRecord Session, ProjectRecord? Project, SessionDigest Digest, IReadOnlySet<int>? Copies);

/// <summary>
/// Reads every store (through the digest cache unless asked not to) and hands each counted assistant message to
/// a consumer: the filters, fork-copy rules and prices of a <see cref="UsageQuery"/>, shared by the summary and
/// the per-message output.
/// </summary>
internal sealed class UsageScan
{
    private readonly UsageQuery _query;
    private readonly PriceCatalog _prices;
    private readonly Dictionary<(int, int), ModelPrice?> _priceLookups = new();

    private UsageScan(UsageQuery query, PriceCatalog prices)
    {
        _query = query;
        _prices = prices;
    }

    /// <param name="ordered">Hand messages over oldest first (per-message output) rather than in storage order.</param>
    public static void Run(UsageQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, Action<CountedMessage> consume, CancellationToken cancellationToken, bool ordered = false)
    {
        var prices = LoadPrices(query, environment, diagnostics);
        var unpriced = new HashSet<(int, int)>();
        RunBySession(query, DataLocator.Resolve(query.DataPaths, environment, diagnostics), environment, diagnostics, progress, prices, _ => true, counted =>
        {
            if (counted.Price is null)
            {
                unpriced.Add((counted.Row.Provider, counted.Row.Model));
            }

            consume(counted);
        }, _ => { }, cancellationToken, ordered);
        WarnUnpriced(diagnostics, prices, unpriced);
    }

    /// <summary>
    /// As <see cref="Run"/>, session by session: <paramref name="begin"/> says whether the session's messages are
    /// wanted (a caller holding the session's figures from an earlier call declines), <paramref name="end"/>
    /// follows each session, wanted or not.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RunBySession(UsageQuery query, IReadOnlyList<DataSource> sources, Func<string, string?> environment,
        ReadDiagnostics diagnostics, Action<ReadProgress>? progress, PriceCatalog prices, Func<SessionScope, bool> begin,
        Action<CountedMessage> consume, Action<SessionScope> end, CancellationToken cancellationToken, bool ordered = false)
    {
        var scan = new UsageScan(query, prices);
        var catalog = DataReader.Read(sources, query.NoCache ? null : DigestCache.Shared(environment), diagnostics, progress, cancellationToken, query.Log);
        Sessions.MissingSessions.Report(query.SessionIds, catalog.Sessions.Keys, diagnostics);
        var forks = ForkCopies.Find(catalog, remember: !query.NoCache);
        var sessions = scan.SelectSessions(catalog);
        if (ordered)
        {
            sessions.Sort((a, b) => a.Created != b.Created ? a.Created.CompareTo(b.Created) : string.CompareOrdinal(a.Id, b.Id));
        }

        var after = query.After?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var before = query.Before?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        foreach (var session in sessions)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var digest = catalog.DigestOf(session);
            var project = catalog.ProjectOf(session);
            var scope = new SessionScope(session, project, digest, forks.CopiesOf(digest));
            if (!begin(scope))
            {
                end(scope);
                continue;
            }

            var rows = digest.Rows;
            // Storage order needs no index list: most calls, and every cold one, pass over the rows as they lie.
            var indexes = ordered ? OldestFirst(rows) : null;
            var hasCopies = forks.HasCopies(digest);
            for (var n = 0; n < rows.Length; n++)
            {
                var i = indexes is null ? n : indexes[n];
                var row = rows[i];
                var isCopy = hasCopies && forks.IsCopy(digest, i);
                if ((isCopy && !query.IncludeForkCopies) || row.Created < after || row.Created >= before || !scan.Matches(row))
                {
                    continue;
                }

                consume(new CountedMessage(session, project, digest, row, isCopy, scan.PriceOf(row)));
            }

            end(scope);
        }

    }

    /// <summary>Row indexes by creation time, then rowid. A method of its own: a lambda over a loop's local would be allocated on every pass.</summary>
    private static int[] OldestFirst(AssistantRow[] rows) =>
        Enumerable.Range(0, rows.Length).OrderBy(i => rows[i].Created).ThenBy(i => rows[i].RowId).ToArray();

    internal static PriceCatalog LoadPrices(UsageQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics)
    {
        if (query.PricingPath is { } path)
        {
            return PriceCatalog.FromFile(path);
        }

        var problems = new List<string>();
        var catalog = PriceCatalog.FromUserFiles(environment, problems);
        foreach (var problem in problems)
        {
            diagnostics.Warn(problem);
        }

        return catalog;
    }

    /// <summary>The sessions the query's session and project filters select (subagent children included where asked).</summary>
    private List<SessionRecord> SelectSessions(DataCatalog catalog)
    {
        IEnumerable<SessionRecord> sessions = catalog.Sessions.Values;
        if (_query.SessionFilter is { } filter)
        {
            var selected = catalog.Sessions.Keys.Where(filter.IsMatch).ToHashSet(StringComparer.Ordinal);
            if (_query.IncludeChildren)
            {
                var children = catalog.Sessions.Values.Where(s => s.ParentId is not null).ToLookup(s => s.ParentId!, StringComparer.Ordinal);
                var pending = new Queue<string>(selected);
                while (pending.TryDequeue(out var parent))
                {
                    foreach (var child in children[parent].Where(c => selected.Add(c.Id)))
                    {
                        pending.Enqueue(child.Id);
                    }
                }
            }

            sessions = sessions.Where(s => selected.Contains(s.Id));
        }

        if (_query.ProjectFilter is { } projectFilter)
        {
            sessions = sessions.Where(s =>
            {
                var project = catalog.ProjectOf(s);
                return new[] { project?.DisplayName, s.ProjectId, project?.Worktree }.Any(n => n is not null && projectFilter.IsMatch(n));
            });
        }

        return sessions.ToList();
    }

    private bool Matches(in AssistantRow row) =>
        Matches(_query.ModelFilter, row.ModelId) && Matches(_query.ProviderFilter, row.ProviderId) && Matches(_query.AgentFilter, row.AgentName);

    private static bool Matches(TextFilter? filter, string? value) => filter is null || (value is not null && filter.IsMatch(value));

    private (int Provider, int Model) _lastPriceKey = (int.MinValue, int.MinValue);
    private ModelPrice? _lastPrice;

    private ModelPrice? PriceOf(in AssistantRow row)
    {
        var key = (row.Provider, row.Model);
        if (key == _lastPriceKey)
        {
            return _lastPrice;
        }

        if (!_priceLookups.TryGetValue(key, out var price))
        {
            price = _prices.Find(row.ProviderId, row.ModelId);
            _priceLookups[key] = price;
        }

        (_lastPriceKey, _lastPrice) = (key, price);
        return price;
    }

    internal const string NoPricesWarning = "No model prices were found";
    internal const string UnpricedWarning = "No price is known for ";

    /// <summary>One warning naming every model used without a known price.</summary>
    public static void WarnUnpriced(ReadDiagnostics diagnostics, PriceCatalog prices, IReadOnlyCollection<(int Provider, int Model)> unpriced)
    {
        if (unpriced.Count == 0)
        {
            return;
        }

        diagnostics.Warn(prices.Count == 0
            ? $"{NoPricesWarning} (OpenCode's models.json cache or config, or -PricingPath), so EstimatedCost is empty."
            : $"{UnpricedWarning}{string.Join(", ", unpriced.Select(m => $"{Names.Name(m.Provider)}/{Names.Name(m.Model)}").Distinct().Order(StringComparer.Ordinal))}; EstimatedCost is empty where they were used.");
    }
}
