using System.Globalization;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Pricing;

namespace OpenCodeUsage.Usage;

/// <summary>The keys of one report group: the groupings asked for are set, the others are empty.</summary>
internal readonly record struct GroupKey(int Day, int Week, int Month, string? Session, string? Project, string? Provider, string? Model, string? Agent)
{
    public static readonly IComparer<GroupKey> Comparer = Comparer<GroupKey>.Create((a, b) =>
    {
        var c = a.Day.CompareTo(b.Day);
        if (c == 0) c = a.Week.CompareTo(b.Week);
        if (c == 0) c = a.Month.CompareTo(b.Month);
        if (c == 0) c = string.CompareOrdinal(a.Session, b.Session);
        if (c == 0) c = string.CompareOrdinal(a.Project, b.Project);
        if (c == 0) c = string.CompareOrdinal(a.Provider, b.Provider);
        if (c == 0) c = string.CompareOrdinal(a.Model, b.Model);
        if (c == 0) c = string.CompareOrdinal(a.Agent, b.Agent);
        return c;
    });

    // An array, not a list interface: this runs once per message, and an interface's enumerator is an allocation.
    public static GroupKey For(UsageGrouping[] grouping, in CountedMessage m, UsageReport.ZoneClock clock)
    {
        int day = -1, week = -1, month = -1;
        string? session = null, project = null, provider = null, model = null, agent = null;
        DateTime? date = null;
        foreach (var g in grouping)
        {
            switch (g)
            {
                case UsageGrouping.Day:
                    date ??= clock.LocalDate(m.Row.Created);
                    day = date.Value.DayNumber();
                    break;
                case UsageGrouping.Week:
                    date ??= clock.LocalDate(m.Row.Created);
                    week = ISOWeek.GetYear(date.Value) * 100 + ISOWeek.GetWeekOfYear(date.Value);
                    break;
                case UsageGrouping.Month:
                    date ??= clock.LocalDate(m.Row.Created);
                    month = date.Value.Year * 100 + date.Value.Month;
                    break;
                case UsageGrouping.Session:
                    session = m.Session.Id;
                    break;
                case UsageGrouping.Project:
                    project = m.Session.ProjectId ?? string.Empty;
                    break;
                case UsageGrouping.Provider:
                    provider = m.Row.ProviderId ?? string.Empty;
                    break;
                case UsageGrouping.Model:
                    provider = m.Row.ProviderId ?? string.Empty;
                    model = m.Row.ModelId ?? string.Empty;
                    break;
                case UsageGrouping.Agent:
                    agent = m.Row.AgentName ?? string.Empty;
                    break;
            }
        }

        return new GroupKey(day, week, month, session, project, provider, model, agent);
    }
}

/// <summary>
/// One session's sums within one group. Each per-message step remembers the previous message's model and price,
/// since consecutive messages nearly always share them; tokens are summed per price and tier and priced once,
/// at the end, over the whole group. A session nearly always uses one model at one price in a group: those are
/// held inline, lists only made for more.
/// </summary>
internal sealed class SessionTally(GroupKey key, CountedMessage first)
{
    private (int, int) _lastModel = (int.MinValue, int.MinValue);
    private PricedSums? _lastPriced;
    private (int, int)? _model;
    private List<(int, int)>? _moreModels;
    private PricedSums? _priced;
    private List<PricedSums>? _morePriced;

    public GroupKey Key { get; private set; } = key;

    /// <summary>The group's first message: its session and project name the group in the summary.</summary>
    public CountedMessage First { get; private set; } = first;

    public TokenTotals Totals;

    public bool EstimateIncomplete { get; private set; }

    /// <summary>Empties this tally for another session's group (a report that keeps no tallies reuses them).</summary>
    public void Reset(in GroupKey key, in CountedMessage first)
    {
        (Key, First, Totals, EstimateIncomplete) = (key, first, default, false);
        (_lastModel, _lastPriced, _model, _priced) = ((int.MinValue, int.MinValue), null, null, null);
        _moreModels?.Clear();
        _morePriced?.Clear();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Add(in CountedMessage m)
    {
        var row = m.Row;
        Totals.Add(row);
        var model = (row.Provider, row.Model);
        if (model != _lastModel)
        {
            _lastModel = model;
            NoteModel(model);
        }

        if (m.Price is not { } price)
        {
            EstimateIncomplete = true;
            return;
        }

        var isLong = price.IsLongContext(row.Input, row.CacheRead);
        if (_lastPriced is null || !ReferenceEquals(_lastPriced.Price, price) || _lastPriced.LongContext != isLong)
        {
            _lastPriced = FindPriced(price, isLong);
        }

        _lastPriced.Add(row.Input, row.Output, row.Reasoning, row.CacheRead, row.CacheWrite);
    }

    /// <summary>Adds the models used to <paramref name="into"/>.</summary>
    public void CopyModelsTo(HashSet<(int, int)> into)
    {
        if (_model is { } model)
        {
            into.Add(model);
        }

        if (_moreModels is not null)
        {
            foreach (var more in _moreModels)
            {
                into.Add(more);
            }
        }
    }

    /// <summary>Hands each price and tier's sums to <paramref name="visit"/>.</summary>
    public void ForEachPriced<TState>(TState state, Action<TState, PricedSums> visit)
    {
        if (_priced is not null)
        {
            visit(state, _priced);
        }

        if (_morePriced is not null)
        {
            foreach (var more in _morePriced)
            {
                visit(state, more);
            }
        }
    }

    private void NoteModel((int, int) model)
    {
        if (_model is null)
        {
            _model = model;
        }
        else if (_model != model && !(_moreModels?.Contains(model) ?? false))
        {
            (_moreModels ??= []).Add(model);
        }
    }

    // Loops, not List.Find: a lambda capturing the price would be allocated on every message.
    private PricedSums FindPriced(ModelPrice price, bool isLong)
    {
        if (_priced is null)
        {
            return _priced = new PricedSums(price, isLong);
        }

        if (ReferenceEquals(_priced.Price, price) && _priced.LongContext == isLong)
        {
            return _priced;
        }

        if (_morePriced is not null)
        {
            foreach (var priced in _morePriced)
            {
                if (ReferenceEquals(priced.Price, price) && priced.LongContext == isLong)
                {
                    return priced;
                }
            }
        }

        var added = new PricedSums(price, isLong);
        (_morePriced ??= []).Add(added);
        return added;
    }
}

/// <summary>Tokens of one price and tier, summed.</summary>
internal sealed class PricedSums(ModelPrice price, bool longContext)
{
    public ModelPrice Price { get; } = price;
    public bool LongContext { get; } = longContext;
    public long Input, Output, Reasoning, CacheRead, CacheWrite;

    public void Add(long input, long output, long reasoning, long cacheRead, long cacheWrite)
    {
        Input += input;
        Output += output;
        Reasoning += reasoning;
        CacheRead += cacheRead;
        CacheWrite += cacheWrite;
    }

    public decimal Estimate() => Price.Estimate(Input, Output, Reasoning, CacheRead, CacheWrite, LongContext);
}

/// <summary>One group's sums over every session: the sessions' tallies added up.</summary>
internal sealed class GroupTally(CountedMessage first)
{
    private readonly HashSet<(int, int)> _models = [];
    private readonly Dictionary<(ModelPrice, bool), PricedSums> _priced = new();
    private TokenTotals _totals;
    private int _sessions;
    private bool _estimateIncomplete;

    public void Add(SessionTally part)
    {
        _sessions++;
        _totals.Add(part.Totals);
        _estimateIncomplete |= part.EstimateIncomplete;
        part.CopyModelsTo(_models);
        part.ForEachPriced(_priced, static (all, priced) =>
        {
            if (!all.TryGetValue((priced.Price, priced.LongContext), out var sums))
            {
                sums = new PricedSums(priced.Price, priced.LongContext);
                all[(priced.Price, priced.LongContext)] = sums;
            }

            sums.Add(priced.Input, priced.Output, priced.Reasoning, priced.CacheRead, priced.CacheWrite);
        });
    }

    private decimal Estimated() => _priced.Values.Sum(p => p.Estimate());

    public UsageSummary ToSummary(GroupKey key, IReadOnlyList<UsageGrouping> grouping)
    {
        var (date, week, month, projectName, parts) = GroupLabels.Of(key, grouping, first);
        return new UsageSummary
        {
            Group = grouping.Count == 0 ? UsageSummary.TotalGroup : string.Join(" · ", parts),
            IsTotal = grouping.Count == 0,
            Date = date,
            Week = week,
            Month = month,
            SessionId = key.Session,
            Title = key.Session is null ? null : first.Session.Title,
            Project = projectName,
            ProjectId = key.Project,
            ProviderId = key.Provider,
            ModelId = key.Model,
            Agent = key.Agent,
            Sessions = _sessions,
            Messages = _totals.Messages,
            InputTokens = _totals.Input,
            OutputTokens = _totals.Output,
            ReasoningTokens = _totals.Reasoning,
            CacheReadTokens = _totals.CacheRead,
            CacheWriteTokens = _totals.CacheWrite,
            TotalTokens = _totals.Total,
            Cost = _totals.Cost,
            EstimatedCost = _estimateIncomplete ? null : Estimated(),
            CacheHitRate = UsageSummary.CacheHitRateOf(_totals.Input, _totals.CacheRead, _totals.CacheWrite),
            GenerationTime = _totals.GenerationMs > 0 ? TimeSpan.FromMilliseconds(_totals.GenerationMs) : null,
            TokensPerSecond = UsageSummary.TokensPerSecondOf(_totals.TimedTokens, _totals.GenerationMs),
            Models = string.Join(", ", _models.Select(x => $"{Digest.Names.Name(x.Item1)}/{Digest.Names.Name(x.Item2)}").Order(StringComparer.Ordinal)),
        };
    }
}

/// <summary>What a group's key reads as: its date, week, month, project name and one label per grouping.</summary>
internal readonly record struct GroupLabels(DateTime? Date, string? Week, string? Month, string? ProjectName, IReadOnlyList<string?> Parts)
{
    /// <param name="first">The group's first message: its project names the group.</param>
    public static GroupLabels Of(in GroupKey key, IReadOnlyList<UsageGrouping> grouping, in CountedMessage first)
    {
        DateTime? date = key.Day >= 0 ? DateTime.MinValue.AddDays(key.Day) : null;
        var week = key.Week >= 0 ? $"{key.Week / 100:D4}-W{key.Week % 100:D2}" : null;
        var month = key.Month >= 0 ? $"{key.Month / 100:D4}-{key.Month % 100:D2}" : null;
        var projectName = key.Project is null ? null : first.Project?.DisplayName ?? key.Project;
        var k = key;
        var parts = grouping.Select(g => g switch
        {
            UsageGrouping.Day => date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            UsageGrouping.Week => week,
            UsageGrouping.Month => month,
            UsageGrouping.Session => k.Session,
            UsageGrouping.Project => projectName,
            UsageGrouping.Model => $"{k.Provider}/{k.Model}",
            UsageGrouping.Provider => k.Provider,
            UsageGrouping.Agent => k.Agent,
            _ => null,
        }).ToList();
        return new GroupLabels(date, week, month, projectName, parts);
    }
}
