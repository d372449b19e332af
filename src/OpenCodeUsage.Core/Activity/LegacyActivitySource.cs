using OpenCodeUsage.IO;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Activity;

/// <summary>
/// Follows OpenCode's legacy JSON storage (1.0 and 1.1) through its files: storage/session/&lt;project&gt;/,
/// storage/message/&lt;session&gt;/ and storage/part/&lt;message&gt;/. A read looks only at folders written since the
/// last one, and at the files of answers still being written (which OpenCode rewrites in place).
/// </summary>
internal sealed class LegacyActivitySource : IActivitySource
{
    /// <summary>File times can be coarse (and a write lands mid-scan): look this far back, and skip files already read.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2);

    private readonly string _storage;
    private readonly ActivityDeriver _deriver;
    private readonly IdleTracker _idle;
    private readonly Dictionary<string, (DateTime Written, long Length)> _read = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sessionFiles = new(StringComparer.Ordinal);
    private DateTime _lastScan;
    private (long, long, long) _stamp;

    public LegacyActivitySource(string storage, string dataDirectory, ActivityFilter filter, IdleTracker idle)
    {
        _storage = storage;
        _idle = idle;
        _deriver = new ActivityDeriver(filter, idle, dataDirectory, null);
    }

    public (string Directory, Func<string, bool> Matters, bool Recursive) Notifications =>
        (_storage, name => name.EndsWith(".json", StringComparison.Ordinal), true);

    public DateTimeOffset? NextIdleDue => _idle.NextDue();

    public long Reads { get; private set; }

    public void Stop()
    {
        // Nothing is kept open between reads of JSON files.
    }

    public List<ActivityEvent> IdleDue(DateTimeOffset now) => _deriver.IdleDue(now);

    /// <summary>A notification always means a read: a part added to an existing message's folder moves no top folder's time.</summary>
    public bool MayHaveChanged(bool notified) => notified || Stamp() != _stamp || _deriver.ActiveMessages.Any();

    public void Start()
    {
        _lastScan = DateTime.UtcNow;
        _stamp = Stamp();
        var store = new LegacyJsonStore(new StoreRef(Path.GetDirectoryName(_storage)!, _storage, true, 0));
        _deriver.SetProjects(store.ReadProjects());
        var seed = new ChangeBatch();
        foreach (var file in Files(Path.Combine(_storage, "session"), DateTime.MinValue, recursive: true))
        {
            if (SessionOf(file) is { } session)
            {
                seed.NewSessions.Add(session);
            }
        }

        // Answers being written when the watch starts: what they hold now is not news.
        foreach (var folder in Folders(Path.Combine(_storage, "message"), _lastScan.AddDays(-1)))
        {
            foreach (var file in Files(folder, _lastScan.AddDays(-1)))
            {
                if (MessageOf(file) is { } row && MessagePayload.TryParse(row.Data, out var p) && p.IsAssistant && p.Completed == 0 && p.ErrorName is null)
                {
                    seed.Messages.Add(row);
                    seed.Parts.AddRange(PartsOf(row.Id, DateTime.MinValue));
                }
            }
        }

        _deriver.Seed(seed);
    }

    public List<ActivityEvent> Read(DateTimeOffset now, out bool more)
    {
        more = false;
        Reads++;
        var stamp = Stamp();
        var scanStart = DateTime.UtcNow;
        var since = _lastScan - Slack;
        var batch = new ChangeBatch();
        foreach (var folder in Folders(Path.Combine(_storage, "session"), since))
        {
            foreach (var file in Fresh(Files(folder, since)))
            {
                if (SessionOf(file) is { } session)
                {
                    (_deriver.KnowsSession(session.Id) ? batch.UpdatedSessions : batch.NewSessions).Add(session);
                }
            }
        }

        var messageFiles = Folders(Path.Combine(_storage, "message"), since).SelectMany(f => Files(f, since)).ToList();
        foreach (var id in _deriver.ActiveMessages.ToList())
        {
            messageFiles.AddRange(Directory.EnumerateFiles(Path.Combine(_storage, "message"), id + ".json", SearchOption.AllDirectories)
                .Where(f => File.GetLastWriteTimeUtc(f) >= since));
        }

        var messages = new HashSet<string>(_deriver.ActiveMessages, StringComparer.Ordinal);
        foreach (var file in Fresh(messageFiles.Distinct()))
        {
            if (MessageOf(file) is { } row)
            {
                batch.Messages.Add(row);
                messages.Add(row.Id);
            }
        }

        foreach (var folder in Folders(Path.Combine(_storage, "part"), since))
        {
            messages.Add(Path.GetFileName(folder));
        }

        foreach (var message in messages)
        {
            batch.Parts.AddRange(PartsOf(message, since));
        }

        foreach (var sessionId in batch.Messages.Select(m => m.SessionId).Concat(batch.Parts.Select(p => p.SessionId)).Distinct().ToList())
        {
            if (_sessionFiles.TryGetValue(sessionId, out var file) && SessionOf(file) is { } session)
            {
                batch.UpdatedSessions.Add(session);
            }
        }

        _deriver.Baseline = (sessionId, batchParts) => Baseline(sessionId, batchParts);
        var events = _deriver.Apply(batch, now);
        _deriver.Baseline = null;
        _lastScan = scanStart;
        _stamp = stamp;
        foreach (var old in _read.Where(r => r.Value.Written < scanStart - Slack - Slack).Select(r => r.Key).ToList())
        {
            _read.Remove(old);
        }

        return events;
    }

    /// <summary>The session's own steps on disk before this read (step-finish parts of messages it did not copy).</summary>
    private Accounting.TokenTotals Baseline(string sessionId, IReadOnlySet<string> batchParts)
    {
        var totals = default(Accounting.TokenTotals);
        var created = _sessionFiles.TryGetValue(sessionId, out var file) && SessionOf(file) is { } s ? s.Created : 0;
        foreach (var messageFile in Files(Path.Combine(_storage, "message", sessionId), DateTime.MinValue))
        {
            if (MessageOf(messageFile) is not { } message || !MessagePayload.TryParse(message.Data, out var m) || !m.IsAssistant || m.Created < created)
            {
                continue;
            }

            foreach (var part in PartsOf(message.Id, DateTime.MinValue, all: true))
            {
                if (!batchParts.Contains(part.Id) && PartPayload.TryParse(part.Data, out var p) && p.Type == "step-finish"
                    && MessagePayload.TryParse(part.Data, out var usage))
                {
                    totals.Add(usage);
                }
            }
        }

        return totals;
    }

    private IEnumerable<PartRow> PartsOf(string messageId, DateTime since, bool all = false)
    {
        foreach (var file in all ? Files(Path.Combine(_storage, "part", messageId), since) : Fresh(Files(Path.Combine(_storage, "part", messageId), since)))
        {
            if (Read(file) is { } bytes && PartPayload.TryParse(bytes, out var p) && p.SessionId is { } session)
            {
                MarkRead(file, bytes.Length);
                yield return new PartRow(p.Id ?? Path.GetFileNameWithoutExtension(file), p.MessageId ?? messageId, session, 0, bytes);
            }
        }
    }

    /// <summary>
    /// Files not read before as they are now (write time and length: file times are coarse, so a file caught
    /// empty, just created, may keep its time when its content lands). A file counts as read once it parsed.
    /// </summary>
    private IEnumerable<string> Fresh(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            if (info.Exists && (!_read.TryGetValue(file, out var seen) || seen != (info.LastWriteTimeUtc, info.Length)))
            {
                yield return file;
            }
        }
    }

    private void MarkRead(string file, int length) => _read[file] = (File.GetLastWriteTimeUtc(file), length);

    private SessionRow? SessionOf(string file)
    {
        if (Read(file) is not { } bytes)
        {
            return null;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(bytes);
            var r = doc.RootElement;
            string? Str(string name) => r.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
            if (Str("id") is not { } id)
            {
                return null;
            }

            long created = r.TryGetProperty("time", out var t) && t.TryGetProperty("created", out var c) && c.TryGetInt64(out var n) ? n : 0;
            _sessionFiles[id] = file;
            MarkRead(file, bytes.Length);
            return new SessionRow(id, Str("projectID") ?? Path.GetFileName(Path.GetDirectoryName(file)), Str("parentID"), Str("title"), Str("directory"), created);
        }
        catch (System.Text.Json.JsonException)
        {
            return null; // half-written: read again when it changes
        }
    }

    private MessageRow? MessageOf(string file)
    {
        if (Read(file) is not { } bytes || !MessagePayload.TryParse(bytes, out var p))
        {
            return null;
        }

        MarkRead(file, bytes.Length);
        var session = p.SessionId ?? Path.GetFileName(Path.GetDirectoryName(file))!;
        return new MessageRow(p.Id ?? Path.GetFileNameWithoutExtension(file), session, p.Created, bytes);
    }

    private static byte[]? Read(string file)
    {
        try
        {
            return RegularFile.ReadAllBytes(file, RegularFile.RecordCap);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // gone or being replaced: the next change brings it again
        }
    }

    private static IEnumerable<string> Folders(string parent, DateTime since)
    {
        if (!Directory.Exists(parent))
        {
            return [];
        }

        return new DirectoryInfo(parent).EnumerateDirectories("*", new EnumerationOptions { IgnoreInaccessible = true })
            .Where(d => d.LastWriteTimeUtc >= since).Select(d => d.FullName).ToList();
    }

    private static IEnumerable<string> Files(string folder, DateTime since, bool recursive = false)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        return new DirectoryInfo(folder).EnumerateFiles("*.json", new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = recursive })
            .Where(f => f.LastWriteTimeUtc >= since).Select(f => f.FullName).ToList();
    }

    /// <summary>The three top folders' times: a new session, message or part folder moves one of them.</summary>
    private (long, long, long) Stamp()
    {
        long Of(string name) => Directory.GetLastWriteTimeUtc(Path.Combine(_storage, name)).Ticks;
        return (Of("session"), Of("message"), Of("part"));
    }
}
