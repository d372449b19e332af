using OpenCodeUsage.Digest;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Tools;

/// <summary>
/// Tool calls per tool (and per day, session, model… where asked), over exactly the assistant messages
/// Get-OpenCodeUsage counts: the usage scan selects them (filters, time window, fork copies once), and only
/// the calls of those messages are read. A fork's copied history thus adds no calls, as it adds no tokens.
/// </summary>
public static class ToolUsageReport
{
    public static IReadOnlyList<ToolUsage> Summarize(ToolUsageQuery query, Func<string, string?> environment,
        ReadDiagnostics diagnostics, Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        var usage = query.Usage;
        var sources = Discovery.DataLocator.Resolve(usage.DataPaths, environment, diagnostics);
        var grouping = query.GroupBy.Distinct().ToArray();
        var clock = new UsageReport.ZoneClock(usage.TimeZone);
        var groups = new List<(GroupKey Key, CountedMessage First)>();
        var groupIndex = new Dictionary<GroupKey, int>();
        var tallies = new Dictionary<(string Tool, int Group), ToolTally>();
        var byRowId = new Dictionary<long, int>();
        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        using var reader = new ToolCallReader();
        // Prices play no part in tool figures: none are loaded, so no price warning is given.
        UsageScan.RunBySession(usage, sources, environment, diagnostics, progress, PriceCatalog.Empty,
            _ =>
            {
                byRowId.Clear();
                byId.Clear();
                return true;
            },
            counted =>
            {
                var row = counted.Row;
                if (Accounting.UnattributedUsage.Is(row))
                {
                    return; // usage no message carries has no tools
                }

                var key = GroupKey.For(grouping, counted, clock);
                if (!groupIndex.TryGetValue(key, out var group))
                {
                    group = groups.Count;
                    groups.Add((key, counted));
                    groupIndex[key] = group;
                }

                if (counted.Digest.IdOf(row) is { } id && (row.RowId < 0 || counted.Session.Store.IsLegacyJson))
                {
                    byId[id] = group;
                }
                else if (row.RowId >= 0)
                {
                    byRowId[row.RowId] = group;
                }
            },
            scope =>
            {
                if (byRowId.Count == 0 && byId.Count == 0)
                {
                    return;
                }

                try
                {
                    reader.Read(scope.Session, byRowId, byId, (group, call) =>
                    {
                        if (query.ToolFilter is { } filter && !filter.IsMatch(call.Tool))
                        {
                            return;
                        }

                        if (!tallies.TryGetValue((call.Tool, group), out var tally))
                        {
                            tally = new ToolTally();
                            tallies[(call.Tool, group)] = tally;
                        }

                        tally.Add(call, scope.Session.Id);
                    }, cancellationToken);
                }
                catch (OpenCodeUsageException ex)
                {
                    diagnostics.Fail(ex);
                }
            },
            cancellationToken);
        if (reader.Unreadable > 0)
        {
            diagnostics.Warn($"Skipped {reader.Unreadable} unreadable part file(s).");
        }

        return tallies
            .OrderBy(t => groups[t.Key.Group].Key, GroupKey.Comparer)
            .ThenByDescending(t => t.Value.Calls)
            .ThenBy(t => t.Key.Tool, StringComparer.Ordinal)
            .Select(t => t.Value.ToUsage(t.Key.Tool, groups[t.Key.Group].Key, grouping, groups[t.Key.Group].First))
            .ToList();
    }

    private sealed class ToolTally
    {
        private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
        public int Calls;
        private int _failures, _unfinished, _timed;
        private long _durationMs, _outputBytes;

        public void Add(in ToolCall call, string sessionId)
        {
            Calls++;
            _sessions.Add(sessionId);
            _failures += call.Failed ? 1 : 0;
            _unfinished += call.Unfinished ? 1 : 0;
            _outputBytes += call.OutputBytes;
            if (call.DurationMs >= 0)
            {
                _timed++;
                _durationMs += call.DurationMs;
            }
        }

        public ToolUsage ToUsage(string tool, in GroupKey key, IReadOnlyList<UsageGrouping> grouping, in CountedMessage first)
        {
            var labels = GroupLabels.Of(key, grouping, first);
            return new ToolUsage
            {
                Group = string.Join(" · ", labels.Parts.Prepend(tool)),
                Tool = tool,
                Date = labels.Date,
                Week = labels.Week,
                Month = labels.Month,
                SessionId = key.Session,
                Title = key.Session is null ? null : first.Session.Title,
                Project = labels.ProjectName,
                ProjectId = key.Project,
                ProviderId = key.Provider,
                ModelId = key.Model,
                Agent = key.Agent,
                Calls = Calls,
                Failures = _failures,
                Unfinished = _unfinished,
                Duration = TimeSpan.FromMilliseconds(_durationMs),
                AverageDuration = _timed == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds((double)_durationMs / _timed),
                OutputBytes = _outputBytes,
                Sessions = _sessions.Count,
            };
        }
    }
}
