using OpenCodeUsage.Digest;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// OpenCode 2.x adds to a session's own totals (<c>session_v2.cost</c>, <c>tokens_*</c>) usage no row carries: title
/// generation and compaction requests. That remainder is the session's totals less what its rows add up to (without
/// the rows a 2.x fork copied, which its totals never held). It is one more row of the session, placed at the
/// session's last update by 2.x (<c>session_v2.time_updated</c>: the usage was recorded no later), with the session's model and agent,
/// so a session's figures equal OpenCode's columns and a report over sessions adds up to theirs. A part of the
/// remainder below zero (data that contradicts itself) counts as zero.
/// </summary>
internal static class UnattributedUsage
{
    /// <summary>The row id of the remainder's row: above every real one, so it is never looked up.</summary>
    public const long RowId = long.MaxValue;

    public static bool Is(in AssistantRow row) => row.RowId == RowId;

    /// <summary>Adds the remainder's row to a freshly built digest of a 2.x session; nothing where there is none.</summary>
    /// <param name="v1RowsUntil">In a migrated database: 1.x rows (with a rowid) created after this were written by a
    /// 1.x client after the migration, and session_v2's totals never held them.</param>
    public static void AddTo(SessionDigest digest, SessionRecord session, long? v1RowsUntil)
    {
        if (session.V2Totals is not { } own)
        {
            return;
        }

        long input = 0, output = 0, reasoning = 0, cacheRead = 0, cacheWrite = 0;
        var cost = new TokenTotals();
        foreach (ref readonly var row in digest.Rows.AsSpan())
        {
            if (Is(row) || (session.ForkSessionId is not null && row.Created < session.Created)
                || (v1RowsUntil is { } until && row.RowId >= 0 && row.Created > until))
            {
                continue; // a 2.x fork's copies (its totals start at zero), 1.x rows written after the migration
            }

            input += row.Input;
            output += row.Output;
            reasoning += row.Reasoning;
            cacheRead += row.CacheRead;
            cacheWrite += row.CacheWrite;
            cost.AddCost(row.Cost);
        }

        var left = new AssistantRow
        {
            Created = own.Updated,
            RowId = RowId,
            Input = AssistantRow.Clamp(own.Input - input),
            Output = AssistantRow.Clamp(own.Output - output),
            Reasoning = AssistantRow.Clamp(own.Reasoning - reasoning),
            CacheRead = AssistantRow.Clamp(own.CacheRead - cacheRead),
            CacheWrite = AssistantRow.Clamp(own.CacheWrite - cacheWrite),
            Cost = Math.Max(0, own.Cost - cost.CostValue),
            ModelPair = Names.Pair(Names.Number(session.ProviderId), Names.Number(session.ModelId)),
            AgentPair = Names.Pair(Names.Number(session.Agent), Names.None),
        };
        // Below a billionth of a cent, a difference of doubles summed in another order is no usage.
        if (Math.Abs(left.Cost) < 1e-12)
        {
            left.Cost = 0;
        }

        if (left.Total == 0 && left.Cost == 0)
        {
            return;
        }

        digest.Rows = RowArrays.Concat(digest.Rows, [left]);
    }
}
