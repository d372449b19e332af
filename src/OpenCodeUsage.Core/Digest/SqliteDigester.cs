using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// Brings a database's digest up to date, reading as little as it can: nothing when the file is unchanged,
/// only the sessions that changed when it can tell which (new rows, a newer time_updated, a moved event
/// sequence, a reply that was still streaming), and everything after a schema change, a replaced or
/// restored file, or when there is no earlier digest.
/// </summary>
internal static class SqliteDigester
{
    /// <summary>Beyond this share of changed sessions one pass over the table beats a lookup per session.</summary>
    private const double FullScanShare = 0.25;

    public static StoreDigest Digest(StoreRef store, StoreDigest? previous, StringPool strings, Action<long>? progress,
        CancellationToken cancellationToken)
    {
        var stamp = FileStamp.Of(store.Path);
        if (previous is not null && previous.Stamp == stamp && previous.SessionRows.Count > 0)
        {
            return previous;
        }

        using var sqlite = SqliteStore.Open(store);
        var sessions = sqlite.ReadSessions();
        var digest = new StoreDigest
        {
            Path = store.Path,
            Stamp = stamp,
            SchemaHash = sqlite.SchemaHash(),
            MaxRowId = sqlite.MaxMessageRowId(),
            ProjectRows = sqlite.ReadProjects(),
            SessionRows = sessions,
        };
        var events = sqlite.ReadEventSequences();
        var builder = new DigestBuilder(digest.Sessions);

        var reusable = previous is not null && previous.SchemaHash == digest.SchemaHash
                       && previous.MaxRowId >= 0 && digest.MaxRowId >= previous.MaxRowId;
        List<SessionRecord> toScan;
        if (reusable)
        {
            var added = sqlite.SessionsWithMessagesAbove(previous!.MaxRowId);
            toScan = [];
            foreach (var session in sessions)
            {
                var sequence = events.GetValueOrDefault(session.Id, -1);
                if (previous.Sessions.TryGetValue(session.Id, out var known) && !known.Unsettled && known.Updated == session.Updated
                    && known.EventSequence == sequence && !added.Contains(session.Id))
                {
                    digest.Sessions[session.Id] = known;
                }
                else
                {
                    toScan.Add(session);
                }
            }
        }
        else
        {
            toScan = sessions;
        }

        foreach (var session in toScan)
        {
            builder.Reset(session, events.GetValueOrDefault(session.Id, -1));
        }

        if (toScan.Count > 0)
        {
            var scanning = toScan.ToDictionary(s => s.Id, StringComparer.Ordinal);
            SessionRecord? Owner(string id) => scanning.GetValueOrDefault(id);
            if (toScan.Count <= sessions.Count * FullScanShare)
            {
                sqlite.ScanMessages(Owner, builder, strings, progress, cancellationToken, scanning.Keys);
            }
            else if (digest.MaxRowId >= ParallelScan.MinimumRows && Environment.ProcessorCount > 1)
            {
                ParallelScan.Run(store, sqlite, digest.MaxRowId, Owner, builder, progress, cancellationToken);
            }
            else
            {
                sqlite.ScanMessages(Owner, builder, strings, progress, cancellationToken);
            }

            // Newer builds may keep a session's messages in another table: read it for sessions the main table had none for.
            var empty = toScan.Where(s => !builder.Touched.Contains(s.Id)).Select(s => s.Id).ToList();
            foreach (var table in empty.Count == 0 ? [] : sqlite.SecondaryMessageTables())
            {
                sqlite.ScanSecondaryMessages(table, Owner, builder, strings, cancellationToken, empty);
            }
        }

        return digest;
    }
}
