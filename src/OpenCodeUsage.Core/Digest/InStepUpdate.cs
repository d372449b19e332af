using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// Brings a digest up to date after the usual change (see <see cref="TryApply"/>) in proportion to the change,
/// not to the database: the session and event_sequence tables are walked beside the rows read last time, the
/// earlier digest is copied, and only the sessions the changed rows name are read again.
/// </summary>
internal static class InStepUpdate
{
    /// <summary>
    /// The usual change, read in proportion to its size: session and event_sequence rows added or updated in place,
    /// new messages. The earlier digest is copied and only the sessions those rows name are read again. Null when the
    /// tables changed otherwise (a session removed), the earlier digest lacks what is compared (one loaded from disk),
    /// the message table lost its top rows, or so much changed that one pass over the table is cheaper.
    /// </summary>
    public static StoreDigest? TryApply(SqliteStore sqlite, StoreDigest previous, StoreRef store, FileStamp stamp, StringPool strings,
        CancellationToken cancellationToken)
    {
        if (previous.EventRows is not { } knownEvents || previous.MaxRowId < 0)
        {
            return null;
        }

        var maxRowId = sqlite.MaxMessageRowId();
        if (maxRowId < previous.MaxRowId)
        {
            return null;
        }

        // Counting the message table is the longest read here, and reads nothing the rest depends on: it runs beside
        // them, on a connection opened after this one's snapshot began. Should a write land in between, the count
        // runs ahead of the snapshot and the per-session counts (read in the snapshot) settle it.
        var counting = Task.Run(() =>
        {
            using var other = SqliteStore.Open(sqlite.Store);
            return other.CountMessages();
        }, cancellationToken);
        try
        {
            return Walk(sqlite, previous, store, stamp, maxRowId, knownEvents, counting, strings, cancellationToken);
        }
        finally
        {
            // However the walk ended, the count's connection is closed before the call returns, and a failure there is observed.
            ((IAsyncResult)counting).AsyncWaitHandle.WaitOne();
            _ = counting.Exception;
        }
    }

    private static StoreDigest? Walk(SqliteStore sqlite, StoreDigest previous, StoreRef store, FileStamp stamp, long maxRowId,
        KeyedNumbers knownEvents, Task<long> counting, StringPool strings, CancellationToken cancellationToken)
    {
        var known = previous.SessionRows;
        var sessionWalk = new InStepWalk(known.Count, i => known[i].Id, i => known[i].Updated);
        sqlite.ReadSessionUpdates(sessionWalk.Visit);
        if (!sessionWalk.InStep)
        {
            return null;
        }

        var eventWalk = new InStepWalk(knownEvents.Keys.Length, i => knownEvents.Keys[i], i => knownEvents.Numbers[i]);
        sqlite.ReadEventSequences(eventWalk.Visit);
        if (!eventWalk.InStep)
        {
            return null;
        }

        // The session rows: those known (read with another store reference, rebound once), moved and added ones read afresh.
        var sessions = new List<SessionRecord>(known.Count + sessionWalk.Added.Count);
        sessions.AddRange(known[0].Store == store ? known : known.Select(s => s with { Store = store }));
        // Positions never change in step; only new sessions add to them, and only then is a copy made.
        var positions = sessionWalk.Added.Count == 0
            ? previous.SessionPositions
            : new Dictionary<string, int>(previous.SessionPositions, StringComparer.Ordinal);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (position, _) in sessionWalk.Moved)
        {
            changed.Add(known[position].Id);
        }

        foreach (var (id, _) in sessionWalk.Added)
        {
            positions[id] = sessions.Count;
            sessions.Add(null!); // filled just below
            changed.Add(id);
        }

        foreach (var session in changed.Count == 0 ? [] : sqlite.ReadSessions(changed))
        {
            sessions[positions[session.Id]] = session;
        }

        if (sessions.Contains(null!))
        {
            return null; // a row added between the two reads cannot be (one read transaction); read it all if it were
        }

        sqlite.EnsureMessagesReadable(sessions.Count);

        // Which sessions to read again: changed rows, moved event sequences, new messages, replies still streaming.
        var sequences = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (position, number) in eventWalk.Moved)
        {
            sequences[knownEvents.Keys[position]] = number;
        }

        foreach (var (id, number) in eventWalk.Added)
        {
            sequences[id] = number;
        }

        var toScan = new HashSet<string>(changed, StringComparer.Ordinal);
        toScan.UnionWith(sequences.Keys.Where(positions.ContainsKey));
        toScan.UnionWith(sqlite.SessionsWithMessagesAbove(previous.MaxRowId).Where(positions.ContainsKey));
        foreach (var (id, before) in previous.Sessions)
        {
            if (before.Unsettled)
            {
                toScan.Add(id);
            }
        }

        if (toScan.Count > sessions.Count * SqliteDigester.FullScanShare)
        {
            return null;
        }

        var digest = new StoreDigest
        {
            Path = store.Path,
            Stamp = stamp,
            SchemaHash = previous.SchemaHash,
            Generation = sqlite.Generation,
            MaxRowId = maxRowId,
            ProjectRows = sqlite.ReadProjects(),
            SessionRows = sessions,
            EventRows = knownEvents.With(eventWalk),
            SessionPositions = positions,
            Sessions = new Dictionary<string, SessionDigest>(previous.Sessions, StringComparer.Ordinal),
        };
        long SequenceOf(string id) =>
            sequences.TryGetValue(id, out var moved) ? moved : previous.Sessions.TryGetValue(id, out var d) ? d.EventSequence : -1;
        SessionRecord? Session(string id) => positions.TryGetValue(id, out var i) ? sessions[i] : null;

        var builder = new DigestBuilder(digest.Sessions);
        var scanning = toScan.Select(id => sessions[positions[id]]).ToList();
        foreach (var session in scanning)
        {
            builder.Reset(session, SequenceOf(session.Id));
        }

        if (scanning.Count > 0)
        {
            var owners = new SessionOwners(scanning);
            sqlite.ScanMessages(owners, builder, strings, null, cancellationToken, owners.Ids);
            SqliteDigester.ScanSecondaryTables(sqlite, scanning, owners, builder, digest, strings, cancellationToken);
        }

        var rescanned = SqliteDigester.RescanWhereCountsDiffer(sqlite, digest, Session, SequenceOf, builder, strings, cancellationToken, CountedBeside(counting));
        SqliteDigester.Complete(sqlite, builder, digest, scanning.Concat(rescanned));
        return digest;
    }

    /// <summary>The count read beside, or null when it failed there (it is then read again, and fails in the open).</summary>
    private static long? CountedBeside(Task<long> counting)
    {
        try
        {
            return counting.GetAwaiter().GetResult();
        }
        catch (OpenCodeUsageException)
        {
            return null;
        }
    }
}
