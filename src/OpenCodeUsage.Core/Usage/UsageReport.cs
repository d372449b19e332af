using System.Globalization;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Usage;

/// <summary>Token and cost accounting over OpenCode's messages: grouped summaries or one record per message.</summary>
public static class UsageReport
{
    /// <summary>One summary per group, ordered by the group keys.</summary>
    public static IReadOnlyList<UsageSummary> Summarize(UsageQuery query, Func<string, string?> environment,
        ReadDiagnostics diagnostics, Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        var memoKey = SummaryMemo.KeyFor(query, Discovery.DataLocator.Resolve(query.DataPaths, environment), environment);
        var savedIn = memoKey is null ? null : DigestCache.CacheDirectory(environment);
        if (memoKey is not null && SummaryMemo.Find(memoKey, savedIn) is { } known)
        {
            foreach (var warning in known.Warnings)
            {
                diagnostics.Warn(warning);
            }

            return known.Rows;
        }

        var groups = new Dictionary<GroupKey, GroupTally>();
        var grouping = query.GroupBy.Count == 0 ? [UsageGrouping.Day] : query.GroupBy.Distinct().ToList();
        var clock = new ZoneClock(query.TimeZone);
        GroupKey lastKey = default;
        // Kept from one message to the next: most messages fall in the group of the one before.
        GroupTally? lastTally = null;
        UsageScan.Run(query, environment, diagnostics, progress, counted =>
        {
            var key = GroupKey.For(grouping, counted, clock);
            // Consecutive messages nearly always fall in the same group: skip the hash lookup then.
            if (lastTally is null || !key.Equals(lastKey))
            {
                if (!groups.TryGetValue(key, out lastTally))
                {
                    lastTally = new GroupTally(counted);
                    groups[key] = lastTally;
                }

                lastKey = key;
            }

            lastTally.Add(counted);
        }, cancellationToken);

        var rows = groups.OrderBy(g => g.Key, GroupKey.Comparer)
            .Select(g => g.Value.ToSummary(g.Key, grouping))
            .ToList();
        // A read that failed somewhere is not remembered; its warnings are, and are given again with the rows.
        if (memoKey is not null && diagnostics.Failures.Count == 0)
        {
            SummaryMemo.Keep(memoKey, rows, diagnostics.Warnings, savedIn);
        }

        return rows;
    }

    /// <summary>Streams one record per counted assistant message to <paramref name="emit"/>, on the calling thread.</summary>
    public static void Stream(UsageQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, Action<UsageRecord> emit, CancellationToken cancellationToken)
    {
        using var ids = new MessageIdResolver();
        UsageScan.Run(query, environment, diagnostics, progress, counted =>
        {
            var row = counted.Row;
            emit(new UsageRecord
            {
                SessionId = counted.Session.Id,
                MessageId = ids.Resolve(counted.Session, row),
                Time = TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(row.Created), query.TimeZone),
                Title = counted.Session.Title,
                Project = counted.Project?.DisplayName,
                ProjectId = counted.Session.ProjectId,
                ProviderId = row.ProviderId,
                ModelId = row.ModelId,
                Agent = row.AgentName,
                InputTokens = row.Input,
                OutputTokens = row.Output,
                ReasoningTokens = row.Reasoning,
                CacheReadTokens = row.CacheRead,
                CacheWriteTokens = row.CacheWrite,
                TotalTokens = row.Total,
                Cost = TokenTotals.ToDecimal(row.Cost),
                EstimatedCost = counted.EstimatedCost,
                IsForkCopy = counted.IsForkCopy,
                Error = row.ErrorName,
            });
        }, cancellationToken, ordered: true);
    }

    /// <summary>
    /// Converts epoch milliseconds to local dates in one zone. Every real offset change falls on a quarter
    /// hour, so the offset is looked up once per quarter hour instead of once per message.
    /// </summary>
    internal sealed class ZoneClock(TimeZoneInfo zone)
    {
        private const long Quarter = 900_000L;
        private long _quarter = long.MinValue;
        private TimeSpan _offset;

        public DateTime LocalDate(long epochMilliseconds)
        {
            var quarter = Math.DivRem(epochMilliseconds, Quarter, out var rem) - (rem < 0 ? 1 : 0);
            if (quarter != _quarter)
            {
                _quarter = quarter;
                _offset = zone.GetUtcOffset(DateTimeOffset.FromUnixTimeMilliseconds(quarter * Quarter));
            }

            return DateTimeOffset.FromUnixTimeMilliseconds(epochMilliseconds).UtcDateTime.Add(_offset).Date;
        }
    }

    private readonly record struct GroupKey(int Day, int Week, int Month, string? Session, string? Project, string? Provider, string? Model, string? Agent)
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

        public static GroupKey For(IReadOnlyList<UsageGrouping> grouping, in CountedMessage m, ZoneClock clock)
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
    /// One group's sums. Each per-message step remembers the previous message's session, model and price, since
    /// consecutive messages nearly always share them; tokens are summed per price and tier and priced once at the end.
    /// </summary>
    private sealed class GroupTally(CountedMessage first)
    {
        private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
        private readonly HashSet<(int, int)> _models = [];
        private readonly Dictionary<(ModelPrice, bool), long[]> _priced = new();
        private TokenTotals _totals;
        private bool _estimateIncomplete;
        private string? _lastSession;
        private (int, int) _lastModel = (int.MinValue, int.MinValue);
        private (ModelPrice?, bool) _lastTier;
        private long[]? _lastSums;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        public void Add(in CountedMessage m)
        {
            var row = m.Row;
            _totals.Add(row);
            if (!ReferenceEquals(m.Session.Id, _lastSession))
            {
                _lastSession = m.Session.Id;
                _sessions.Add(_lastSession);
            }

            var model = (row.Provider, row.Model);
            if (model != _lastModel)
            {
                _lastModel = model;
                _models.Add(model);
            }

            if (m.Price is not { } price)
            {
                _estimateIncomplete = true;
                return;
            }

            var tier = (price, price.IsLongContext(row.Input, row.CacheRead));
            if (_lastSums is null || !ReferenceEquals(_lastTier.Item1, price) || _lastTier.Item2 != tier.Item2)
            {
                if (!_priced.TryGetValue(tier, out _lastSums))
                {
                    _lastSums = new long[5];
                    _priced[tier] = _lastSums;
                }

                _lastTier = tier;
            }

            _lastSums[0] += row.Input;
            _lastSums[1] += row.Output;
            _lastSums[2] += row.Reasoning;
            _lastSums[3] += row.CacheRead;
            _lastSums[4] += row.CacheWrite;
        }

        private decimal Estimated() =>
            _priced.Sum(p => p.Key.Item1.Estimate(p.Value[0], p.Value[1], p.Value[2], p.Value[3], p.Value[4], p.Key.Item2));

        public UsageSummary ToSummary(GroupKey key, IReadOnlyList<UsageGrouping> grouping)
        {
            DateTime? date = key.Day >= 0 ? DateTime.MinValue.AddDays(key.Day) : null;
            var week = key.Week >= 0 ? $"{key.Week / 100:D4}-W{key.Week % 100:D2}" : null;
            var month = key.Month >= 0 ? $"{key.Month / 100:D4}-{key.Month % 100:D2}" : null;
            var projectName = key.Project is null ? null : first.Project?.DisplayName ?? key.Project;
            var parts = grouping.Select(g => g switch
            {
                UsageGrouping.Day => date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                UsageGrouping.Week => week,
                UsageGrouping.Month => month,
                UsageGrouping.Session => key.Session,
                UsageGrouping.Project => projectName,
                UsageGrouping.Model => $"{key.Provider}/{key.Model}",
                UsageGrouping.Provider => key.Provider,
                UsageGrouping.Agent => key.Agent,
                _ => null,
            });
            return new UsageSummary
            {
                Group = string.Join(" · ", parts),
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
                Sessions = _sessions.Count,
                Messages = _totals.Messages,
                InputTokens = _totals.Input,
                OutputTokens = _totals.Output,
                ReasoningTokens = _totals.Reasoning,
                CacheReadTokens = _totals.CacheRead,
                CacheWriteTokens = _totals.CacheWrite,
                TotalTokens = _totals.Total,
                Cost = _totals.Cost,
                EstimatedCost = _estimateIncomplete ? null : Estimated(),
                Models = string.Join(", ", _models.Select(x => $"{Digest.Names.Name(x.Item1)}/{Digest.Names.Name(x.Item2)}").Order(StringComparer.Ordinal)),
            };
        }
    }
}

internal static class DateTimeExtensions
{
    public static int DayNumber(this DateTime date) => (int)(date.Ticks / TimeSpan.TicksPerDay);
}
