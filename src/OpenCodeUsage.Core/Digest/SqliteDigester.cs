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
            // A digest loaded from disk, or kept from a call that named the store otherwise: rebind once.
            if (previous.SessionRows[0].Store != store)
            {
                previous.SessionRows = previous.SessionRows.Select(s => s with { Store = store }).ToList();
            }

            return previous;
        }

        using var sqlite = SqliteStore.Open(store);
        var schemaHash = sqlite.SchemaHash();
        var sessions = previous is not null && previous.SchemaHash == schemaHash && previous.SessionRows.Count > 0
            ? RefreshSessions(sqlite, previous.SessionRows, store)
            : sqlite.ReadSessions();
        sqlite.EnsureMessagesReadable(sessions.Count);
        var digest = new StoreDigest
        {
            Path = store.Path,
            Stamp = stamp,
            SchemaHash = schemaHash,
            MaxRowId = sqlite.MaxMessageRowId(),
            ProjectRows = sqlite.ReadProjects(),
            SessionRows = sessions,
        };
        var events = sqlite.ReadEventSequences();
        var byId = sessions.ToDictionary(s => s.Id, StringComparer.Ordinal);
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
                sqlite.ScanSecondaryMessages(table, Owner, new SecondaryCounter(builder, digest.Sessions), strings, cancellationToken, empty);
            }
        }

        if (reusable)
        {
            RescanWhereCountsDiffer(sqlite, digest, byId, events, builder, strings, cancellationToken);
        }

        builder.Complete();

        return digest;
    }

    /// <summary>
    /// The session rows now, reading in full only those added or updated since <paramref name="known"/>: OpenCode
    /// moves time_updated with every change to a session row, so the others are the rows already known.
    /// </summary>
    private static List<SessionRecord> RefreshSessions(SqliteStore sqlite, List<SessionRecord> known, StoreRef store)
    {
        var updates = sqlite.ReadSessionUpdates();
        var byId = new Dictionary<string, SessionRecord>(known.Count, StringComparer.Ordinal);
        foreach (var session in known)
        {
            byId[session.Id] = session;
        }

        var changed = updates.Where(u => !byId.TryGetValue(u.Id, out var s) || s.Updated != u.Updated).Select(u => u.Id).ToList();
        if (changed.Count > updates.Count * FullScanShare)
        {
            return sqlite.ReadSessions();
        }

        foreach (var session in changed.Count == 0 ? [] : sqlite.ReadSessions(changed))
        {
            byId[session.Id] = session;
        }

        var sessions = new List<SessionRecord>(updates.Count);
        foreach (var (id, _) in updates)
        {
            // A row deleted between the two reads cannot be: both run in one read transaction.
            var session = byId[id];
            sessions.Add(session.Store == store ? session : session with { Store = store });
        }

        return sessions;
    }

    /// <summary>
    /// A message deleted (or changed) without any other trace leaves every per-session signal alone; the row
    /// count does not. When the table's count differs from the digests', counts per session (from the session
    /// index) find the sessions to read again.
    /// </summary>
    private static void RescanWhereCountsDiffer(SqliteStore sqlite, StoreDigest digest, Dictionary<string, SessionRecord> sessions,
        Dictionary<string, long> events, DigestBuilder builder, StringPool strings, CancellationToken cancellationToken)
    {
        static long Expected(SessionDigest d) => d.MessageCount - d.SecondaryMessages + d.MalformedRows;
        if (sqlite.CountMessages() == digest.Sessions.Values.Sum(Expected))
        {
            return;
        }

        var counts = sqlite.CountMessagesPerSession();
        var differ = digest.Sessions.Values
            .Where(d => counts.GetValueOrDefault(d.SessionId) != Expected(d) && sessions.ContainsKey(d.SessionId))
            .Select(d => sessions[d.SessionId])
            .ToList();
        if (differ.Count == 0)
        {
            return;
        }

        foreach (var session in differ)
        {
            builder.Reset(session, events.GetValueOrDefault(session.Id, -1));
        }

        var ids = differ.Select(s => s.Id).ToList();
        sqlite.ScanMessages(id => sessions.GetValueOrDefault(id), builder, strings, null, cancellationToken, ids);
    }

    /// <summary>Counts the rows a session got from a secondary table, then passes them on.</summary>
    private sealed class SecondaryCounter(IMessageSink inner, Dictionary<string, SessionDigest> digests) : IMessageSink
    {
        public void Accept(SessionRecord session, string? messageId, long rowId, ref MessagePayload message)
        {
            inner.Accept(session, messageId, rowId, ref message);
            digests[session.Id].SecondaryMessages++;
        }

        public bool NeedsUserDetails(SessionRecord session) => true;

        public void CountUserMessage(SessionRecord session) => inner.CountUserMessage(session);

        public void Malformed(SessionRecord session, string? messageId)
        {
        }
    }
}
