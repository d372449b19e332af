using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;

namespace OpenCodeUsage.Storage;

/// <summary>What a read found: projects and sessions merged over every store, and each session's digested messages.</summary>
internal sealed class DataCatalog(int capacity = 0, Dictionary<string, SessionDigest>? digests = null)
{
    public Dictionary<string, ProjectRecord> Projects { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SessionRecord> Sessions { get; } = new(capacity, StringComparer.Ordinal);

    /// <summary>The digest of each session (every session has one), from the store the session is read from.</summary>
    public Dictionary<string, SessionDigest> Digests { get; } = digests ?? new(capacity, StringComparer.Ordinal);

    public ProjectRecord? ProjectOf(SessionRecord session) =>
        session.ProjectId is { } id && Projects.TryGetValue(id, out var p) ? p : null;

    public SessionDigest DigestOf(SessionRecord session) =>
        Digests.TryGetValue(session.Id, out var d) ? d : new SessionDigest { SessionId = session.Id };
}

/// <summary>
/// Reads every store of every data source: all databases and legacy JSON, merged. A session kept in
/// several stores (JSON migrated into a database, the same data dir passed twice, a copied database)
/// is read from one only, the most recently updated, so no message is ever counted twice.
/// </summary>
internal static class DataReader
{
    /// <param name="cache">Where earlier digests are kept; null reads everything afresh and keeps nothing.</param>
    /// <param name="log">Told, per store, what was read: the file, its kind, whether the cache answered, the rows.</param>
    public static DataCatalog Read(IReadOnlyList<DataSource> sources, DigestCache? cache, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, CancellationToken cancellationToken, ActivityLog? log = null)
    {
        var stores = ListStores(sources);
        var digests = new List<(StoreRef Store, StoreDigest Digest)>();
        var strings = new StringPool();
        var done = 0;
        foreach (var store in stores)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sessionsSoFar = digests.Sum(d => d.Digest.SessionRows.Count);
            var rowsInStore = 0L;
            Action<long> report = n => progress?.Invoke(new ReadProgress(store.Path, done, stores.Count, sessionsSoFar, n, rowsInStore));
            report(0);
            try
            {
                var previous = store.IsLegacyJson ? null : cache?.Find(store.Path, diagnostics.Note);
                var digest = store.IsLegacyJson
                    ? LegacyDigester.Digest(store, strings, diagnostics, report, cancellationToken)
                    : SqliteDigester.Digest(store, previous, strings, report, cancellationToken, rows => rowsInStore = rows);
                if (!store.IsLegacyJson)
                {
                    cache?.Keep(digest);
                }

                digests.Add((store, digest));
                log?.Say(Describe(store, digest, cache is not null, previous));
            }
            catch (OpenCodeUsageException ex)
            {
                diagnostics.Fail(ex);
            }

            done++;
        }

        // One database whose digest covers exactly its sessions (the usual case): its digests are the catalog's.
        var only = digests.Count == 1 ? digests[0].Digest : null;
        var shared = only is not null && only.Sessions.Count == only.SessionRows.Count && only.SessionRows.TrueForAll(s => only.Sessions.ContainsKey(s.Id))
            ? only.Sessions
            : null;
        var catalog = new DataCatalog(digests.Sum(d => d.Digest.SessionRows.Count), shared);
        foreach (var (store, digest) in digests)
        {
            Merge(catalog, store, digest);
        }

        foreach (var (store, digest) in digests)
        {
            var malformed = digest.Sessions.Values.Sum(d => d.MalformedRows);
            if (malformed > 0)
            {
                diagnostics.Warn($"Skipped {malformed} malformed message row(s) in '{store.Path}'.");
            }
        }

        progress?.Invoke(new ReadProgress("Done", stores.Count, stores.Count, catalog.Sessions.Count, 0));
        return catalog;
    }

    /// <summary>One line of -Verbose per store: which file, what kind, how the cache served it, what it holds.</summary>
    private static string Describe(StoreRef store, StoreDigest digest, bool cached, StoreDigest? previous)
    {
        var kind = store.IsLegacyJson ? "legacy JSON storage (OpenCode 1.0 and 1.1)" : digest.Generation switch
        {
            StorageGeneration.V1 => "SQLite database (OpenCode 1.x tables)",
            StorageGeneration.V2Preview => "SQLite database (OpenCode 2.0 preview: 1.x sessions, session_message)",
            StorageGeneration.V2 => "SQLite database (OpenCode 2.x tables)",
            StorageGeneration.Migrated => "SQLite database (OpenCode 1.x tables migrated to 2.x, both read)",
            _ => "SQLite database",
        };
        var cache = store.IsLegacyJson ? "not cached"
            : !cached ? "cache not used (-NoCache), read in full"
            : previous is null ? "cache miss, read in full"
            : ReferenceEquals(previous, digest) ? "cache hit, file unchanged"
            : "cache hit, changed sessions read again";
        var messages = digest.Sessions.Values.Sum(d => (long)d.MessageCount);
        return $"Read '{store.Path}': {kind}; {cache}; {digest.SessionRows.Count:N0} sessions, {messages:N0} messages.";
    }

    private static List<StoreRef> ListStores(IReadOnlyList<DataSource> sources)
    {
        var stores = new List<StoreRef>();
        var seenPaths = new HashSet<string>(PathComparer);
        foreach (var source in sources)
        {
            foreach (var db in source.Databases)
            {
                if (seenPaths.Add(Path.GetFullPath(db)))
                {
                    stores.Add(new StoreRef(source.DataPath, db, false, stores.Count));
                }
            }

            if (source.LegacyStorage is { } storage && seenPaths.Add(Path.GetFullPath(storage)))
            {
                stores.Add(new StoreRef(source.DataPath, storage, true, stores.Count));
            }
        }

        return stores;
    }

    private static void Merge(DataCatalog catalog, StoreRef store, StoreDigest digest)
    {
        foreach (var project in digest.ProjectRows)
        {
            if (!catalog.Projects.TryGetValue(project.Id, out var known) || (known.Name is null && project.Name is not null))
            {
                catalog.Projects[project.Id] = project;
            }
        }

        foreach (var row in digest.SessionRows)
        {
            // A digest kept from an earlier call may name the store by another rank or data dir.
            var session = row.Store == store ? row : row with { Store = store };
            if (!catalog.Sessions.TryGetValue(session.Id, out var known) || Prefer(session, known))
            {
                catalog.Sessions[session.Id] = session;
                if (!ReferenceEquals(catalog.Digests, digest.Sessions))
                {
                    catalog.Digests[session.Id] = digest.Sessions.TryGetValue(session.Id, out var d) ? d : new SessionDigest { SessionId = session.Id };
                }
            }
        }
    }

    /// <summary>The copy updated last holds every message the others hold; on a tie the earlier store (a database) wins.</summary>
    private static bool Prefer(SessionRecord candidate, SessionRecord known) =>
        candidate.Updated > known.Updated || (candidate.Updated == known.Updated && candidate.Store.Rank < known.Store.Rank);

    private static StringComparer PathComparer =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
