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
        var sources = Discovery.DataLocator.Resolve(query.DataPaths, environment, diagnostics);
        var memoKey = SummaryMemo.KeyFor(query, sources, environment);
        var savedIn = memoKey is null ? null : DigestCache.CacheDirectory(environment);
        if (memoKey is not null && SummaryMemo.Find(memoKey, savedIn) is { } known)
        {
            query.Log.Say($"Answered from memory: the {known.Rows.Count:N0} rows an identical earlier call computed, whose files have not changed since.");
            foreach (var warning in known.Warnings)
            {
                diagnostics.Warn(warning);
            }

            return known.Rows;
        }

        var partsKey = memoKey is null ? null : SessionParts.KeyFor(query, sources, environment);
        var held = partsKey is null ? null : SessionParts.Find(partsKey);
        PriceCatalog prices;
        IReadOnlyList<string> priceWarnings;
        if (held is not null)
        {
            (prices, priceWarnings) = (held.Prices, held.PriceWarnings);
        }
        else
        {
            var loading = new ReadDiagnostics();
            prices = UsageScan.LoadPrices(query, environment, loading);
            priceWarnings = loading.Warnings.ToList();
        }

        foreach (var warning in priceWarnings)
        {
            diagnostics.Warn(warning);
        }

        // Each session is tallied on its own, then added to the groups; a session whose part from the last call
        // still holds is not read again, so a change costs the changed sessions, not the whole history.
        var groups = new Dictionary<GroupKey, GroupTally>();
        UsageGrouping[] grouping = query.Overall ? [] : query.GroupBy.Count == 0 ? [UsageGrouping.Day] : query.GroupBy.Distinct().ToArray();
        var clock = new ZoneClock(query.TimeZone);
        var parts = partsKey is null ? null : new Dictionary<string, SessionPart>(held?.Parts.Count ?? 0, StringComparer.Ordinal);
        var unpriced = new HashSet<(int, int)>();
        SessionPart current = null!;
        SessionPart? reusable = null;
        GroupKey lastKey = default;
        SessionTally? lastTally = null;
        UsageScan.RunBySession(query, sources, environment, diagnostics, progress, prices,
            scope =>
            {
                lastTally = null;
                if (held is not null && held.Parts.TryGetValue(scope.Session.Id, out var known) && known.StillHolds(scope))
                {
                    current = known;
                    return false;
                }

                // Parts are kept only to be reused by the next call; when nothing is kept, one part serves every session.
                current = parts is null ? (reusable ??= new SessionPart(scope)).Reuse(scope) : new SessionPart(scope);
                return true;
            },
            counted =>
            {
                var key = GroupKey.For(grouping, counted, clock);
                // Consecutive messages nearly always fall in the same group: skip the lookup then.
                if (lastTally is null || !key.Equals(lastKey))
                {
                    lastTally = current.TallyFor(key, counted);
                    lastKey = key;
                }

                lastTally.Add(counted);
                if (counted.Price is null)
                {
                    current.NoteUnpriced(counted.Row.Provider, counted.Row.Model);
                }
            },
            scope =>
            {
                foreach (var tally in current.Tallies)
                {
                    if (!groups.TryGetValue(tally.Key, out var group))
                    {
                        group = new GroupTally(tally.First);
                        groups[tally.Key] = group;
                    }

                    group.Add(tally);
                }

                var unpricedHere = current.Unpriced;
                for (var i = 0; i < unpricedHere.Count; i++)
                {
                    unpriced.Add(unpricedHere[i]);
                }
                if (parts is not null)
                {
                    parts[scope.Session.Id] = current;
                }
            },
            cancellationToken);
        UsageScan.WarnUnpriced(diagnostics, prices, unpriced);

        // Projects sort by the name shown, not by the id (a hash): the project key is made the name, then the id.
        var rows = groups.Select(g => (g.Key, Row: g.Value.ToSummary(g.Key, grouping)))
            .OrderBy(r => r.Key.Project is null ? r.Key : r.Key with { Project = $"{r.Row.Project?.ToUpperInvariant()}\u0000{r.Row.Project}\u0000{r.Key.Project}" }, GroupKey.Comparer)
            .Select(r => r.Row)
            .ToList();
        // A read that failed somewhere is not remembered; its warnings are, and are given again with the rows.
        if (memoKey is not null && diagnostics.Failures.Count == 0)
        {
            SummaryMemo.Keep(memoKey, rows, diagnostics.Warnings, savedIn);
            SessionParts.Keep(new SessionParts.Entry(partsKey!, prices, priceWarnings, parts!));
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
                MessageId = ids.Resolve(counted.Session, counted.Digest, row),
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
                DataPath = counted.Session.Store.DataDirectory,
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
}

internal static class DateTimeExtensions
{
    public static int DayNumber(this DateTime date) => (int)(date.Ticks / TimeSpan.TicksPerDay);
}
