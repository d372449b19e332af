using OpenCodeUsage.Accounting;
using OpenCodeUsage.Digest;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Sessions;

/// <summary>Reads sessions with figures computed from their messages, so every OpenCode version reads alike.</summary>
public static class SessionReader
{
    /// <summary>Sessions matching <paramref name="query"/>, most recently updated first.</summary>
    public static IReadOnlyList<Session> Read(SessionQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        Action<ReadProgress>? progress, CancellationToken cancellationToken)
    {
        var sources = DataLocator.Resolve(query.DataPaths, environment, diagnostics);
        var key = query.NoCache ? null : SessionMemo.KeyFor(sources);
        var all = key is null ? null : SessionMemo.Find(key);
        if (all is not null)
        {
            query.Log.Say($"Answered from memory: the {all.Sessions.Count:N0} sessions read by an earlier call, whose files have not changed since.");
            foreach (var warning in all.Warnings)
            {
                diagnostics.Warn(warning);
            }
        }
        else
        {
            var (warningsBefore, failuresBefore) = (diagnostics.Warnings.Count, diagnostics.Failures.Count);
            var catalog = DataReader.Read(sources, query.NoCache ? null : DigestCache.Shared(environment), diagnostics, progress, cancellationToken, query.Log);
            var forks = ForkCopies.Find(catalog, remember: !query.NoCache);
            var rollUp = new ChildRollUp(catalog);
            var computed = catalog.Sessions.Values
                .Select(s => new SessionMemo.Computed(s, catalog.ProjectOf(s), ToSession(s, catalog, forks, rollUp)))
                .OrderByDescending(c => c.Session.Updated)
                .ThenByDescending(c => c.Session.Id, StringComparer.Ordinal)
                .ToList();
            all = new SessionMemo.Entry(key ?? string.Empty, computed, diagnostics.Warnings.Skip(warningsBefore).ToList());
            // A read that failed somewhere is not remembered.
            if (key is not null && diagnostics.Failures.Count == failuresBefore)
            {
                SessionMemo.Keep(all);
            }
        }

        var sessions = all.Sessions.Where(c => Matches(c.Record, c.Project, query)).Select(c => c.Session.Copy());
        return (query.First is { } first ? sessions.Take(first) : sessions).ToList();
    }

    private static bool Matches(SessionRecord s, ProjectRecord? project, SessionQuery query)
    {
        if (query.RootOnly && s.ParentId is not null)
        {
            return false;
        }

        if (query.IdFilter is { } id && !id(s.Id))
        {
            return false;
        }

        if (query.TitleFilter is { } title && !title(s.Title ?? string.Empty))
        {
            return false;
        }

        if (query.After is { } after && s.Updated < after.ToUnixTimeMilliseconds())
        {
            return false;
        }

        if (query.Before is { } before && s.Created >= before.ToUnixTimeMilliseconds())
        {
            return false;
        }

        if (query.ProjectFilter is { } projectFilter)
        {
            var names = new[] { project?.DisplayName, s.ProjectId, project?.Worktree };
            if (!names.Any(n => n is not null && projectFilter(n)))
            {
                return false;
            }
        }

        return true;
    }

    private static Session ToSession(SessionRecord s, DataCatalog catalog, ForkCopies forks, ChildRollUp rollUp)
    {
        var digest = catalog.DigestOf(s);
        var raw = SessionFigures.Of(s, digest);
        var own = raw;
        if (forks.HasCopies(digest))
        {
            own = default;
            for (var i = 0; i < digest.Rows.Length; i++)
            {
                if (!forks.IsCopy(digest, i))
                {
                    own.Add(digest.Rows[i]);
                }
            }
        }

        var last = digest.Latest();

        var (children, withChildren) = rollUp.For(s);
        var project = catalog.ProjectOf(s);
        var (status, since) = SessionState.Of(s, digest);
        return new Session
        {
            Id = s.Id,
            Title = s.Title,
            ProjectId = s.ProjectId,
            ProjectName = project?.DisplayName ?? (s.Directory is null ? s.ProjectId : ProjectRecord.PathLeaf(s.Directory)),
            Directory = s.Directory,
            ParentId = s.ParentId,
            ForkOfId = s.ForkSessionId ?? forks.ForkOf(s.Id),
            Agent = s.Agent ?? digest.FirstAgent,
            ProviderId = last?.ProviderId ?? s.ProviderId,
            ModelId = last?.ModelId ?? s.ModelId,
            Created = Time.FromUnixMilliseconds(s.Created),
            Updated = Time.FromUnixMilliseconds(s.Updated),
            Archived = s.Archived is { } a ? Time.FromUnixMilliseconds(a) : null,
            Idle = s.Idle is { } idle ? Time.FromUnixMilliseconds(idle) : null,
            IdleOutcome = s.IdleOutcome,
            Status = status,
            StatusSince = since,
            MessageCount = digest.MessageCount,
            AssistantMessageCount = raw.Messages,
            InputTokens = raw.Input,
            OutputTokens = raw.Output,
            ReasoningTokens = raw.Reasoning,
            CacheReadTokens = raw.CacheRead,
            CacheWriteTokens = raw.CacheWrite,
            TotalTokens = raw.Total,
            Cost = raw.Cost,
            OwnCost = own.Cost,
            ChildSessionCount = children,
            TotalTokensWithChildren = withChildren.Total,
            CostWithChildren = withChildren.Cost,
            Version = s.Version,
            DataPath = s.Store.DataDirectory,
        };
    }
}

internal static class SessionFigures
{
    /// <summary>
    /// A session's own figures: every row, as OpenCode's session columns hold them (a 1.x fork's copies included),
    /// except in a 2.x fork, whose columns never held the rows it copied (those created before it).
    /// </summary>
    public static TokenTotals Of(SessionRecord session, SessionDigest digest)
    {
        if (session.ForkSessionId is null)
        {
            return digest.Totals();
        }

        var totals = default(TokenTotals);
        foreach (ref readonly var row in digest.Rows.AsSpan())
        {
            if (row.Created >= session.Created || UnattributedUsage.Is(row))
            {
                totals.Add(row);
            }
        }

        return totals;
    }
}

/// <summary>Adds each session's subagent sessions (the task tool's children, at any depth) to its own figures.</summary>
internal sealed class ChildRollUp(DataCatalog catalog)
{
    private readonly ILookup<string, SessionRecord> _children =
        catalog.Sessions.Values.Where(s => s.ParentId is not null).ToLookup(s => s.ParentId!, StringComparer.Ordinal);

    private readonly Dictionary<string, (int, TokenTotals)> _done = new(StringComparer.Ordinal);

    public (int Children, TokenTotals Totals) For(SessionRecord session) => For(session, new HashSet<string>(StringComparer.Ordinal));

    private (int Children, TokenTotals Totals) For(SessionRecord session, HashSet<string> path)
    {
        if (_done.TryGetValue(session.Id, out var known))
        {
            return known;
        }

        var totals = SessionFigures.Of(session, catalog.DigestOf(session));
        var count = 0;
        // A parent loop in damaged data must not recurse forever.
        if (path.Add(session.Id))
        {
            foreach (var child in _children[session.Id])
            {
                var (grandChildren, childTotals) = For(child, path);
                count += 1 + grandChildren;
                totals.Add(childTotals);
            }

            path.Remove(session.Id);
        }

        // A session without children is its digest's totals, already kept there: only roll-ups are remembered.
        if (count > 0)
        {
            _done[session.Id] = (count, totals);
        }

        return (count, totals);
    }
}

/// <summary>Sessions without their figures: ids and titles for tab completion, read without touching messages.</summary>
public static class SessionDirectory
{
    public static IReadOnlyList<(string Id, string? Title, DateTimeOffset Updated)> List(
        IReadOnlyList<string> dataPaths, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var catalog = DataReader.Read(DataLocator.Resolve(dataPaths, environment), DigestCache.Shared(environment), new ReadDiagnostics(), null, cancellationToken);
        return catalog.Sessions.Values
            .OrderByDescending(s => s.Updated)
            .Select(s => (s.Id, s.Title, Time.FromUnixMilliseconds(s.Updated)))
            .ToList();
    }

    /// <summary>Project names, provider ids or agent names the user's data holds, for -Project, -Provider and -Agent; each once, most used first.</summary>
    public static IReadOnlyList<string> Names(UsageGrouping kind, IReadOnlyList<string> dataPaths, Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        var catalog = DataReader.Read(DataLocator.Resolve(dataPaths, environment), DigestCache.Shared(environment), new ReadDiagnostics(), null, cancellationToken);
        IEnumerable<string?> names = kind switch
        {
            UsageGrouping.Project => catalog.Sessions.Values.Select(s => catalog.ProjectOf(s)?.DisplayName),
            UsageGrouping.Provider => catalog.Digests.Values.SelectMany(d => d.Rows.Select(r => r.ProviderId)),
            UsageGrouping.Agent => catalog.Digests.Values.SelectMany(d => d.Rows.Select(r => r.AgentName)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only projects, providers and agents are listed."),
        };
        return names.OfType<string>().Where(n => n.Length > 0)
            .GroupBy(n => n, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .ToList();
    }

    /// <summary>Distinct models recorded on sessions (OpenCode 1.15 and later record one per session), most recent first.</summary>
    public static IReadOnlyList<(string? ProviderId, string ModelId)> Models(
        IReadOnlyList<string> dataPaths, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var catalog = DataReader.Read(DataLocator.Resolve(dataPaths, environment), DigestCache.Shared(environment), new ReadDiagnostics(), null, cancellationToken);
        return catalog.Sessions.Values
            .Where(s => s.ModelId is not null)
            .OrderByDescending(s => s.Updated)
            .Select(s => (s.ProviderId, s.ModelId!))
            .Distinct()
            .ToList();
    }
}
