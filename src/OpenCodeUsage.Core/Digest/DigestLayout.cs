using System.Runtime.InteropServices;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// The payload of a digest file: a header of names, projects, session rows and per-session digests, then every
/// assistant row in one block laid out as <see cref="StoredRow"/>, so a million rows load in one read instead
/// of a dozen calls each. Session and project rows are kept too: a new process with an unchanged database
/// then needs no query at all.
/// </summary>
internal static class DigestLayout
{
    /// <summary>Rows converted per read: a few MB of buffer whatever the digest's size.</summary>
    private const int RowsPerRead = 32_768;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct StoredRow
    {
        public long RowId;
        public long Created;
        public int Input;
        public int Output;
        public int Reasoning;
        public int CacheRead;
        public int CacheWrite;
        public double Cost;
        public int Provider;
        public int Model;
        public int Agent;
        public int Error;
        public int GenerationMs;
    }

    public static void Write(BinaryWriter w, StoreDigest digest)
    {
        var strings = new StringTable();
        w.Write(digest.Path);
        var s = digest.Stamp;
        foreach (var value in new[] { s.Length, s.Modified, s.Created, (long)s.Inode, s.Changed, s.WalLength, s.WalModified, s.WalCreated, (long)s.WalInode, s.WalChanged })
        {
            w.Write(value);
        }

        w.Write(digest.SchemaHash);
        w.Write(digest.MaxRowId);
        w.Write((int)digest.Generation);

        // Names are numbered first, written once, then referred to by number.
        var projects = digest.ProjectRows.Select(p => (strings.Ref(p.Id), strings.Ref(p.Worktree), strings.Ref(p.Name))).ToList();
        var sessionRows = digest.SessionRows.Select(r => new[]
        {
            strings.Ref(r.Id), strings.Ref(r.ProjectId), strings.Ref(r.ParentId), strings.Ref(r.Title), strings.Ref(r.Directory),
            strings.Ref(r.Version), strings.Ref(r.Agent), strings.Ref(r.ProviderId), strings.Ref(r.ModelId),
            strings.Ref(r.ForkSessionId), strings.Ref(r.IdleOutcome),
        }).ToList();
        var sessions = digest.Sessions.Values.ToList();
        var firstAgents = sessions.Select(d => strings.Ref(d.FirstAgent)).ToList();
        var nameRefs = new Dictionary<int, int>();
        int NameRef(int number) =>
            number < 0 ? -1 : nameRefs.TryGetValue(number, out var known) ? known : nameRefs[number] = strings.Ref(Names.Name(number));
        foreach (var row in sessions.SelectMany(d => d.Rows))
        {
            NameRef(row.Provider);
            NameRef(row.Model);
            NameRef(row.Agent);
            NameRef(row.Error);
        }

        // The event_sequence rows, so the first change after a new process starts is read in step too.
        var eventKeys = digest.EventRows?.Keys.Select(strings.Ref).ToArray();

        w.Write(strings.Count);
        foreach (var text in strings.InOrder)
        {
            w.Write(text);
        }

        w.Write(projects.Count);
        foreach (var (id, worktree, name) in projects)
        {
            w.Write(id);
            w.Write(worktree);
            w.Write(name);
        }

        w.Write(sessionRows.Count);
        for (var i = 0; i < sessionRows.Count; i++)
        {
            foreach (var reference in sessionRows[i])
            {
                w.Write(reference);
            }

            var record = digest.SessionRows[i];
            w.Write(record.Created);
            w.Write(record.Updated);
            w.Write(record.Archived ?? long.MinValue);
            w.Write(record.Idle ?? long.MinValue);
            w.Write(record.V2Totals is not null);
            if (record.V2Totals is { } totals)
            {
                w.Write(totals.Cost);
                foreach (var value in new[] { totals.Input, totals.Output, totals.Reasoning, totals.CacheRead, totals.CacheWrite, totals.Updated })
                {
                    w.Write(value);
                }
            }
        }

        w.Write(sessions.Count);
        for (var i = 0; i < sessions.Count; i++)
        {
            var d = sessions[i];
            w.Write(d.SessionId);
            w.Write(d.MessageCount);
            w.Write(firstAgents[i]);
            w.Write(d.Updated);
            w.Write(d.EventSequence);
            w.Write(d.Unsettled);
            w.Write(d.MalformedRows);
            w.Write(d.SecondaryMessages);
            w.Write(d.EventRows);
            w.Write(d.Rows.Length);
        }

        var buffer = new StoredRow[RowsPerRead];
        var filled = 0;
        var ids = new List<(int Session, long RowId, string Id)>();
        for (var i = 0; i < sessions.Count; i++)
        {
            var rows = sessions[i].Rows.AsSpan();
            for (var j = 0; j < rows.Length; j++)
            {
                ref readonly var row = ref rows[j];
                buffer[filled++] = new StoredRow
                {
                    RowId = row.RowId, Created = row.Created, Input = row.Input, Output = row.Output, Reasoning = row.Reasoning,
                    CacheRead = row.CacheRead, CacheWrite = row.CacheWrite, Cost = row.Cost,
                    Provider = NameRef(row.Provider), Model = NameRef(row.Model), Agent = NameRef(row.Agent), Error = NameRef(row.Error),
                    GenerationMs = row.GenerationMs,
                };

                if (filled == buffer.Length)
                {
                    w.Write(MemoryMarshal.AsBytes(buffer.AsSpan()));
                    filled = 0;
                }
            }
        }

        w.Write(MemoryMarshal.AsBytes(buffer.AsSpan(0, filled)));
        for (var i = 0; i < sessions.Count; i++)
        {
            if (sessions[i].Ids is { } kept)
            {
                foreach (var (rowId, id) in kept)
                {
                    ids.Add((i, rowId, id));
                }
            }
        }

        w.Write(ids.Count);
        foreach (var (session, rowId, id) in ids)
        {
            w.Write(session);
            w.Write(rowId);
            w.Write(id);
        }

        w.Write(eventKeys?.Length ?? -1);
        for (var i = 0; i < (eventKeys?.Length ?? 0); i++)
        {
            w.Write(eventKeys![i]);
            w.Write(digest.EventRows!.Numbers[i]);
        }
    }

    public static StoreDigest Read(BinaryReader r)
    {
        var path = r.ReadString();
        var stamp = new FileStamp(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (ulong)r.ReadInt64(), r.ReadInt64(),
            r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (ulong)r.ReadInt64(), r.ReadInt64());
        var digest = new StoreDigest { Path = path, Stamp = stamp, SchemaHash = r.ReadString(), MaxRowId = r.ReadInt64(), Generation = (StorageGeneration)r.ReadInt32() };

        var strings = new string[Count(r)];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = r.ReadString();
        }

        string? Text(int index) => index == -1 ? null : strings[index]; // out of range throws, and the file is refused
        var numbers = new int[strings.Length];
        Array.Fill(numbers, int.MinValue);
        int Number(int index)
        {
            if (index == -1)
            {
                return Names.None;
            }

            // File-local numbers become this process's name numbers, each looked up once.
            ref var number = ref numbers[index];
            if (number == int.MinValue)
            {
                number = Names.Number(strings[index]);
            }

            return number;
        }

        var projects = Count(r);
        digest.ProjectRows = new List<ProjectRecord>(projects);
        for (var i = 0; i < projects; i++)
        {
            digest.ProjectRows.Add(new ProjectRecord { Id = Text(r.ReadInt32()) ?? throw new InvalidDataException(), Worktree = Text(r.ReadInt32()), Name = Text(r.ReadInt32()) });
        }

        // Rebound to the caller's store by the digester before use.
        var store = new StoreRef(System.IO.Path.GetDirectoryName(path) ?? path, path, false, 0);
        var sessionRows = Count(r);
        digest.SessionRows = new List<SessionRecord>(sessionRows);
        for (var i = 0; i < sessionRows; i++)
        {
            var id = Text(r.ReadInt32()) ?? throw new InvalidDataException();
            var (projectId, parentId, title, directory, version) = (Text(r.ReadInt32()), Text(r.ReadInt32()), Text(r.ReadInt32()), Text(r.ReadInt32()), Text(r.ReadInt32()));
            var (agent, provider, model) = (Text(r.ReadInt32()), Text(r.ReadInt32()), Text(r.ReadInt32()));
            var (forkOf, idleOutcome) = (Text(r.ReadInt32()), Text(r.ReadInt32()));
            var (created, updated, archived, idle) = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
            SessionTotals? totals = r.ReadBoolean()
                ? new SessionTotals(r.ReadDouble(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64())
                : null;
            digest.SessionRows.Add(new SessionRecord
            {
                Id = id, ProjectId = projectId, ParentId = parentId, Title = title, Directory = directory, Version = version,
                Agent = agent, ProviderId = provider, ModelId = model, Created = created, Updated = updated,
                Archived = archived == long.MinValue ? null : archived, Store = store,
                ForkSessionId = forkOf, IdleOutcome = idleOutcome, Idle = idle == long.MinValue ? null : idle, V2Totals = totals,
            });
        }

        var sessions = new SessionDigest[Count(r)];
        for (var i = 0; i < sessions.Length; i++)
        {
            var session = new SessionDigest
            {
                SessionId = r.ReadString(),
                MessageCount = r.ReadInt32(),
                FirstAgent = Text(r.ReadInt32()),
                Updated = r.ReadInt64(),
                EventSequence = r.ReadInt64(),
                Unsettled = r.ReadBoolean(),
                MalformedRows = r.ReadInt32(),
                SecondaryMessages = r.ReadInt32(),
                EventRows = r.ReadInt32(),
            };
            session.Rows = RowArrays.Allocate(Count(r));
            sessions[i] = session;
            digest.Sessions[session.SessionId] = session;
        }

        // A session's rows nearly always repeat one model and one agent: remembered, the shared table's lock is taken per change, not per row.
        var (modelPairs, agentPairs) = (new LastPair(), new LastPair());
        var buffer = new StoredRow[RowsPerRead];
        var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
        int available = 0, next = 0;
        var remaining = sessions.Sum(s => (long)s.Rows.Length);
        foreach (var session in sessions)
        {
            for (var at = 0; at < session.Rows.Length; at++)
            {
                if (next == available)
                {
                    available = (int)Math.Min(buffer.Length, remaining);
                    remaining -= available;
                    r.BaseStream.ReadExactly(bytes[..(available * Marshal.SizeOf<StoredRow>())]);
                    next = 0;
                }

                ref readonly var stored = ref buffer[next++];
                session.Rows[at] = new AssistantRow
                {
                    RowId = stored.RowId, Created = stored.Created, Input = stored.Input, Output = stored.Output,
                    Reasoning = stored.Reasoning, CacheRead = stored.CacheRead, CacheWrite = stored.CacheWrite, Cost = stored.Cost,
                    ModelPair = modelPairs.Pair(Number(stored.Provider), Number(stored.Model)), AgentPair = agentPairs.Pair(Number(stored.Agent), Number(stored.Error)),
                    GenerationMs = stored.GenerationMs,
                };
            }
        }

        var ids = Count(r);
        for (var i = 0; i < ids; i++)
        {
            var (session, rowId, id) = (r.ReadInt32(), r.ReadInt64(), r.ReadString());
            if (session < 0 || session >= sessions.Length)
            {
                throw new InvalidDataException("A message id of a digest file names no session.");
            }

            sessions[session].KeepId(rowId, id);
        }

        var eventRows = r.ReadInt32();
        if (eventRows >= 0)
        {
            var keys = new string[Plausible(eventRows)];
            var eventNumbers = new long[keys.Length];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = Text(r.ReadInt32()) ?? throw new InvalidDataException("An event row of a digest file has no key.");
                eventNumbers[i] = r.ReadInt64();
            }

            digest.EventRows = keys.Length == 0 ? KeyedNumbers.Empty : new KeyedNumbers(keys, eventNumbers);
        }

        return digest;
    }

    private static int Count(BinaryReader r) => Plausible(r.ReadInt32());

    private static int Plausible(int count) =>
        count is >= 0 and < 100_000_000 ? count : throw new InvalidDataException("Implausible count in a digest file.");

    /// <summary>The last pair of name numbers asked for and its <see cref="Names.Pair"/>.</summary>
    private sealed class LastPair
    {
        private int _first = int.MinValue, _second = int.MinValue, _pair;

        public int Pair(int first, int second)
        {
            if (first != _first || second != _second)
            {
                (_first, _second, _pair) = (first, second, Names.Pair(first, second));
            }

            return _pair;
        }
    }

    /// <summary>Numbers each distinct text once, in order of first use.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);

        public List<string> InOrder { get; } = [];

        public int Count => InOrder.Count;

        public int Ref(string? text)
        {
            if (text is null)
            {
                return -1;
            }

            if (!_numbers.TryGetValue(text, out var number))
            {
                number = InOrder.Count;
                _numbers[text] = number;
                InOrder.Add(text);
            }

            return number;
        }
    }
}
