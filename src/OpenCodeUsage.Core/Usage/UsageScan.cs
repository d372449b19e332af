using OpenCodeUsage.Accounting;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Usage;

/// <summary>One assistant message that passed the query's filters, with what is known about its session.</summary>
internal readonly record struct CountedMessage(
    SessionRecord Session, ProjectRecord? Project, string? MessageId, MessagePayload Payload, bool IsForkCopy, decimal? EstimatedCost);

/// <summary>
/// Reads every store once and hands each counted assistant message to a consumer: the filters, fork-copy
/// rules and prices of a <see cref="UsageQuery"/>, shared by the summary and the per-message output.
/// </summary>
internal sealed class UsageScan
{
    private readonly UsageQuery _query;
    private readonly PriceCatalog _prices;
    private readonly SortedSet<string> _unpriced = new(StringComparer.Ordinal);
    private readonly Dictionary<SessionRecord, bool> _sessionSelected = new(ReferenceEqualityComparer.Instance);
    private HashSet<string>? _selectedSessionIds;
    private DataCatalog? _catalog;

    private UsageScan(UsageQuery query, PriceCatalog prices)
    {
        _query = query;
        _prices = prices;
    }

    public static void Run(UsageQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, Action<CountedMessage> consume, CancellationToken cancellationToken)
    {
        var sources = DataLocator.Resolve(query.DataPaths, environment);
        var scan = new UsageScan(query, LoadPrices(query, environment, diagnostics));
        var ledger = new UsageLedger(wantsMessageIds: true)
        {
            Decided = (session, id, message, isCopy) => scan.Offer(session, id, message, isCopy, consume),
        };
        DataReader.Read(sources, ledger, diagnostics, progress, cancellationToken, scan.CatalogReady);
        ledger.Resolve();
        SessionReader.ReportMalformed(ledger, diagnostics);
        scan.ReportUnpriced(diagnostics);
    }

    private static PriceCatalog LoadPrices(UsageQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics)
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

    private void CatalogReady(DataCatalog catalog)
    {
        _catalog = catalog;
        if (_query.SessionFilter is not { } filter)
        {
            return;
        }

        _selectedSessionIds = catalog.Sessions.Keys.Where(filter).ToHashSet(StringComparer.Ordinal);
        if (!_query.IncludeChildren)
        {
            return;
        }

        var children = catalog.Sessions.Values.Where(s => s.ParentId is not null).ToLookup(s => s.ParentId!, StringComparer.Ordinal);
        var pending = new Queue<string>(_selectedSessionIds);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var child in children[parent])
            {
                if (_selectedSessionIds.Add(child.Id))
                {
                    pending.Enqueue(child.Id);
                }
            }
        }
    }

    private void Offer(SessionRecord session, string? messageId, MessagePayload message, bool isCopy, Action<CountedMessage> consume)
    {
        if ((isCopy && !_query.IncludeForkCopies) || !SessionSelected(session))
        {
            return;
        }

        var created = message.Created;
        if ((_query.After is { } after && created < after.ToUnixTimeMilliseconds()) ||
            (_query.Before is { } before && created >= before.ToUnixTimeMilliseconds()) ||
            !Matches(_query.ModelFilter, message.ModelId) ||
            !Matches(_query.ProviderFilter, message.ProviderId) ||
            !Matches(_query.AgentFilter, message.EffectiveAgent))
        {
            return;
        }

        decimal? estimate = null;
        if (_prices.Find(message.ProviderId, message.ModelId) is { } price)
        {
            estimate = price.Estimate(message.Input, message.OutputWithoutReasoning, message.Reasoning, message.CacheRead, message.CacheWrite);
        }
        else
        {
            _unpriced.Add($"{message.ProviderId}/{message.ModelId}");
        }

        consume(new CountedMessage(session, _catalog?.ProjectOf(session), messageId, message, isCopy, estimate));
    }

    private bool SessionSelected(SessionRecord session)
    {
        if (_sessionSelected.TryGetValue(session, out var selected))
        {
            return selected;
        }

        selected = (_selectedSessionIds is null || _selectedSessionIds.Contains(session.Id)) && ProjectMatches(session);
        _sessionSelected[session] = selected;
        return selected;
    }

    private bool ProjectMatches(SessionRecord session)
    {
        if (_query.ProjectFilter is not { } filter)
        {
            return true;
        }

        var project = _catalog?.ProjectOf(session);
        return new[] { project?.DisplayName, session.ProjectId, project?.Worktree }.Any(n => n is not null && filter(n));
    }

    private static bool Matches(Func<string, bool>? filter, string? value) => filter is null || (value is not null && filter(value));

    private void ReportUnpriced(ReadDiagnostics diagnostics)
    {
        if (_unpriced.Count == 0)
        {
            return;
        }

        diagnostics.Warn(_prices.Count == 0
            ? "No model prices were found (OpenCode's models.json cache or config, or -PricingPath), so EstimatedCost is empty."
            : $"No price is known for {string.Join(", ", _unpriced)}; EstimatedCost is empty where they were used.");
    }
}
