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
    internal const double FullScanShare = 0.25;

    /// <param name="rows">Told, before a scan of the message table, how many rows it holds (its highest rowid), for progress.</param>
    public static StoreDigest Digest(StoreRef store, StoreDigest? previous, StringPool strings, Action<long>? progress,
        CancellationToken cancellationToken, Action<long>? rows = null)
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
        var comparable = previous is not null && previous.SchemaHash == schemaHash && previous.SessionRows.Count > 0;
        if (comparable && InStepUpdate.TryApply(sqlite, previous!, store, stamp, strings, cancellationToken) is { } updated)
        {
            return updated;
        }

        var sessions = comparable ? RefreshSessions(sqlite, previous!.SessionRows, store) : sqlite.ReadSessions();
        sqlite.EnsureMessagesReadable(sessions.Count);
        var everySession = new SessionOwners(sessions);
        var eventRows = ReadEventRows(sqlite, everySession);
        var digest = new StoreDigest
        {
            Path = store.Path,
            Stamp = stamp,
            SchemaHash = schemaHash,
            Generation = sqlite.Generation,
            MaxRowId = sqlite.MaxMessageRowId(),
            ProjectRows = sqlite.ReadProjects(),
            SessionRows = sessions,
            EventRows = eventRows,
            Sessions = new Dictionary<string, SessionDigest>(sessions.Count, StringComparer.Ordinal),
        };
        var events = new Dictionary<string, long>(eventRows.Keys.Length, StringComparer.Ordinal);
        for (var i = 0; i < eventRows.Keys.Length; i++)
        {
            events[eventRows.Keys[i]] = eventRows.Numbers[i];
        }

        var builder = new DigestBuilder(digest.Sessions);

        var reusable = comparable && previous!.MaxRowId >= 0 && digest.MaxRowId >= previous.MaxRowId;
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

        var whole = toScan.Count > sessions.Count * FullScanShare;
        if (whole)
        {
            rows?.Invoke(digest.MaxRowId);
        }

        var parallel = whole && digest.MaxRowId >= ParallelScan.MinimumRows && Environment.ProcessorCount > 1;
        if (!parallel)
        {
            foreach (var session in toScan)
            {
                builder.Reset(session, events.GetValueOrDefault(session.Id, -1));
            }
        }

        if (toScan.Count > 0)
        {
            var owners = ReferenceEquals(toScan, sessions) ? everySession : new SessionOwners(toScan);
            if (!whole)
            {
                sqlite.ScanMessages(owners, builder, strings, progress, cancellationToken, owners.Ids);
            }
            else if (parallel)
            {
                ParallelScan.Run(store, sqlite, digest.MaxRowId, owners, builder, progress, cancellationToken);
                // The slices made the digests: empty ones made first would only wait through the scan to be replaced.
                foreach (var session in toScan)
                {
                    builder.Settle(session, events.GetValueOrDefault(session.Id, -1));
                }
            }
            else
            {
                sqlite.ScanMessages(owners, builder, strings, progress, cancellationToken);
            }

            ScanSecondaryTables(sqlite, toScan, owners, builder, digest, strings, cancellationToken);
        }

        var rescanned = reusable
            ? RescanWhereCountsDiffer(sqlite, digest, id => digest.SessionPositions.TryGetValue(id, out var i) ? sessions[i] : null,
                id => events.GetValueOrDefault(id, -1), builder, strings, cancellationToken)
            : [];
        Complete(sqlite, builder, digest, toScan.Concat(rescanned));

        return digest;
    }

    /// <summary>The event_sequence rows (OpenCode 1.17 and later) in table order; empty where there are none.</summary>
    private static KeyedNumbers ReadEventRows(SqliteStore sqlite, SessionOwners sessions)
    {
        var keys = new List<string>();
        var numbers = new List<long>();
        sqlite.ReadEventSequences((key, number) =>
        {
            // Nearly every aggregate is a session: its id is the session's string, not another copy.
            keys.Add(sessions.Find(key)?.Id ?? System.Text.Encoding.UTF8.GetString(key));
            numbers.Add(number);
            return true;
        });
        return keys.Count == 0 ? KeyedNumbers.Empty : new KeyedNumbers(keys.ToArray(), numbers.ToArray());
    }

    /// <summary>
    /// The second message table (2.x's beside 1.x's) for the sessions just scanned, then the usage no row carries
    /// (2.x): both finish a scanned session's digest, so call after the primary scan, before the builder completes.
    /// </summary>
    internal static void ScanSecondaryTables(SqliteStore sqlite, IReadOnlyCollection<SessionRecord> scanned, SessionOwners owner,
        DigestBuilder builder, StoreDigest digest, StringPool strings, CancellationToken cancellationToken)
    {
        if (scanned.Count > 0 && sqlite.HasSecondaryMessages)
        {
            var whole = scanned.Count > digest.SessionRows.Count * FullScanShare;
            sqlite.ScanSecondaryMessages(owner, new SecondaryCounter(builder, digest.Sessions), strings, cancellationToken,
                whole ? null : owner.Ids);
        }
    }

    /// <summary>Ends a scan: rows placed, and each scanned 2.x session given its unattributed usage.</summary>
    internal static void Complete(SqliteStore sqlite, DigestBuilder builder, StoreDigest digest, IEnumerable<SessionRecord> scanned)
    {
        var v1RowsUntil = sqlite.V1RowsCountedUntil();
        builder.Complete();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var session in scanned)
        {
            if (session.V2Totals is not null && done.Add(session.Id) && digest.Sessions.TryGetValue(session.Id, out var d))
            {
                Accounting.UnattributedUsage.AddTo(d, session, v1RowsUntil);
            }
        }
    }

    /// <summary>
    /// The session rows now, reading in full only those added or updated since <paramref name="known"/>: OpenCode
    /// moves time_updated with every change to a session row, so the others are the rows already known.
    /// </summary>
    private static List<SessionRecord> RefreshSessions(SqliteStore sqlite, List<SessionRecord> known, StoreRef store)
    {
        var updates = new List<(string Id, long Updated)>(known.Count);
        sqlite.ReadSessionUpdates((id, updated) =>
        {
            updates.Add((System.Text.Encoding.UTF8.GetString(id), updated));
            return true;
        });
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
    internal static List<SessionRecord> RescanWhereCountsDiffer(SqliteStore sqlite, StoreDigest digest, Func<string, SessionRecord?> sessions,
        Func<string, long> sequenceOf, DigestBuilder builder, StringPool strings, CancellationToken cancellationToken, long? counted = null)
    {
        static long Expected(SessionDigest d) => d.MessageCount + d.EventRows + d.MalformedRows - d.SecondaryMessages;
        var primaryMoved = (counted ?? sqlite.CountMessages()) != digest.Sessions.Values.Sum(Expected);
        // 2.x's table beside 1.x's: a revert deletes its rows too.
        var secondaryMoved = sqlite.Layout.SecondaryMessages is not null
                             && sqlite.CountMessages(secondary: true) != digest.Sessions.Values.Sum(d => (long)d.SecondaryMessages);
        if (!primaryMoved && !secondaryMoved)
        {
            return [];
        }

        var counts = primaryMoved ? sqlite.CountMessagesPerSession() : null;
        var secondaryCounts = secondaryMoved ? sqlite.CountMessagesPerSession(secondary: true) : null;
        var differ = digest.Sessions.Values
            .Where(d => (counts is not null && counts.GetValueOrDefault(d.SessionId) != Expected(d))
                        || (secondaryCounts is not null && secondaryCounts.GetValueOrDefault(d.SessionId) != d.SecondaryMessages))
            .Select(d => sessions(d.SessionId))
            .OfType<SessionRecord>()
            .ToList();
        if (differ.Count == 0)
        {
            return differ;
        }

        foreach (var session in differ)
        {
            builder.Reset(session, sequenceOf(session.Id));
        }

        var owners = new SessionOwners(differ);
        sqlite.ScanMessages(owners, builder, strings, null, cancellationToken, owners.Ids);
        ScanSecondaryTables(sqlite, differ, owners, builder, digest, strings, cancellationToken);
        return differ;
    }

    /// <summary>Counts every row a session got from the second table (so deletions there are seen), then passes it on.</summary>
    private sealed class SecondaryCounter(DigestBuilder inner, Dictionary<string, SessionDigest> digests) : IMessageSink
    {
        public void Accept(SessionRecord session, string? messageId, long rowId, ref MessagePayload message)
        {
            inner.Accept(session, messageId, rowId, ref message);
            digests[session.Id].SecondaryMessages++;
        }

        public bool NeedsUserDetails(SessionRecord session) => true;

        public void CountUserMessage(SessionRecord session)
        {
            inner.CountUserMessage(session);
            digests[session.Id].SecondaryMessages++;
        }

        public void CountEvent(SessionRecord session)
        {
            inner.CountEvent(session);
            digests[session.Id].SecondaryMessages++;
        }

        public void Streaming(SessionRecord session)
        {
            inner.Streaming(session);
            digests[session.Id].SecondaryMessages++;
        }

        public void Malformed(SessionRecord session, string? messageId)
        {
            inner.Malformed(session, messageId);
            digests[session.Id].SecondaryMessages++;
        }
    }
}
