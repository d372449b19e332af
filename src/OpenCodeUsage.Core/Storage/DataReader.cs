using OpenCodeUsage.Discovery;

namespace OpenCodeUsage.Storage;

/// <summary>What a read found besides the messages: projects and sessions, merged over every store.</summary>
internal sealed class DataCatalog
{
    public Dictionary<string, ProjectRecord> Projects { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, SessionRecord> Sessions { get; } = new(StringComparer.Ordinal);

    public ProjectRecord? ProjectOf(SessionRecord session) =>
        session.ProjectId is { } id && Projects.TryGetValue(id, out var p) ? p : null;
}

/// <summary>
/// Reads every store of every data source: all databases and legacy JSON, merged. A session kept in
/// several stores (JSON migrated into a database, the same data dir passed twice, a copied database)
/// is read from one only, the most recently updated, so no message is ever counted twice.
/// </summary>
internal static class DataReader
{
    /// <param name="catalogReady">Called once the sessions are known, before any message is scanned.</param>
    public static DataCatalog Read(IReadOnlyList<DataSource> sources, IMessageSink? sink, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, CancellationToken cancellationToken, Action<DataCatalog>? catalogReady = null)
    {
        var catalog = new DataCatalog();
        var sqlite = new List<SqliteStore>();
        var legacy = new List<LegacyJsonStore>();
        var seenPaths = new HashSet<string>(PathComparer);
        try
        {
            var rank = 0;
            foreach (var source in sources)
            {
                foreach (var db in source.Databases)
                {
                    if (!seenPaths.Add(Path.GetFullPath(db)))
                    {
                        continue;
                    }

                    var store = new StoreRef(source.DataDirectory, db, false, rank++);
                    try
                    {
                        sqlite.Add(SqliteStore.Open(store));
                    }
                    catch (OpenCodeUsageException ex)
                    {
                        diagnostics.Fail(ex);
                    }
                }

                if (source.LegacyStorage is { } storage && seenPaths.Add(Path.GetFullPath(storage)))
                {
                    legacy.Add(new LegacyJsonStore(new StoreRef(source.DataDirectory, storage, true, rank++)));
                }
            }

            var total = sqlite.Count + legacy.Count;
            progress?.Invoke(new ReadProgress("Reading sessions", 0, total, 0, 0));
            foreach (var store in sqlite.ToList())
            {
                try
                {
                    Merge(catalog, store.ReadProjects(), store.ReadSessions());
                }
                catch (OpenCodeUsageException ex)
                {
                    diagnostics.Fail(ex);
                    sqlite.Remove(store);
                    store.Dispose();
                }
            }

            foreach (var store in legacy)
            {
                Merge(catalog, store.ReadProjects(), store.ReadSessions());
            }

            catalogReady?.Invoke(catalog);
            if (sink is null)
            {
                return catalog;
            }

            var strings = new StringPool();
            var done = 0;
            foreach (var store in sqlite)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var owned = store.Store;
                try
                {
                    SessionRecord? Owned(string id) => catalog.Sessions.TryGetValue(id, out var s) && ReferenceEquals(s.Store, owned) ? s : null;
                    var seen = new SessionsSeen(sink);
                    store.ScanMessages(Owned, seen, strings,
                        n => progress?.Invoke(new ReadProgress(owned.Path, done, total, catalog.Sessions.Count, n)),
                        cancellationToken);
                    foreach (var table in store.SecondaryMessageTables())
                    {
                        store.ScanSecondaryMessages(table, id => Owned(id) is { } s && !seen.Contains(s) ? s : null,
                            sink, strings, cancellationToken);
                    }
                }
                catch (OpenCodeUsageException ex)
                {
                    diagnostics.Fail(ex);
                }
                finally
                {
                    // Release the read snapshot at once: a long reader holds back OpenCode's WAL checkpoints.
                    store.Dispose();
                }

                done++;
            }

            sqlite.Clear();
            foreach (var store in legacy)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var owned = catalog.Sessions.Values.Where(s => ReferenceEquals(s.Store, store.Store)).ToList();
                store.ScanMessages(owned, sink, strings,
                    n => progress?.Invoke(new ReadProgress(store.Store.Path, done, total, catalog.Sessions.Count, n)),
                    cancellationToken);
                foreach (var (path, reason) in store.Problems)
                {
                    diagnostics.Warn($"Skipped unreadable legacy file '{path}': {reason}");
                }

                done++;
            }

            progress?.Invoke(new ReadProgress("Done", total, total, catalog.Sessions.Count, 0));
            return catalog;
        }
        finally
        {
            foreach (var store in sqlite)
            {
                store.Dispose();
            }
        }
    }

    /// <summary>Passes messages on and remembers which sessions had any.</summary>
    private sealed class SessionsSeen(IMessageSink inner) : IMessageSink
    {
        private readonly HashSet<SessionRecord> _sessions = new(ReferenceEqualityComparer.Instance);

        public bool WantsMessageIds => inner.WantsMessageIds;

        public bool Contains(SessionRecord session) => _sessions.Contains(session);

        public void Accept(SessionRecord session, string? messageId, ref MessagePayload message)
        {
            _sessions.Add(session);
            inner.Accept(session, messageId, ref message);
        }

        public void Malformed(StoreRef store, string? messageId) => inner.Malformed(store, messageId);
    }

    private static void Merge(DataCatalog catalog, List<ProjectRecord> projects, List<SessionRecord> sessions)
    {
        foreach (var project in projects)
        {
            if (!catalog.Projects.TryGetValue(project.Id, out var known) || (known.Name is null && project.Name is not null))
            {
                catalog.Projects[project.Id] = project;
            }
        }

        foreach (var session in sessions)
        {
            if (!catalog.Sessions.TryGetValue(session.Id, out var known) || Prefer(session, known))
            {
                catalog.Sessions[session.Id] = session;
            }
        }
    }

    /// <summary>The copy updated last holds every message the others hold; on a tie the earlier store (a database) wins.</summary>
    private static bool Prefer(SessionRecord candidate, SessionRecord known) =>
        candidate.Updated > known.Updated || (candidate.Updated == known.Updated && candidate.Store.Rank < known.Store.Rank);

    private static StringComparer PathComparer =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
}
