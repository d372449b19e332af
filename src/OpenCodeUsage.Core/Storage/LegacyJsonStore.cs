using OpenCodeUsage.IO;
using System.Text.Json;

namespace OpenCodeUsage.Storage;

/// <summary>
/// Reads OpenCode's legacy JSON storage (1.0 and 1.1, and left behind after upgrades):
/// storage/project/&lt;id&gt;.json, storage/session/&lt;project&gt;/&lt;id&gt;.json and storage/message/&lt;session&gt;/&lt;id&gt;.json.
/// </summary>
internal sealed class LegacyJsonStore
{
    private readonly string _storage;

    public LegacyJsonStore(StoreRef store)
    {
        Store = store;
        _storage = store.Path;
    }

    public StoreRef Store { get; }

    /// <summary>Files that could not be read or parsed, with the reason; the rest is still reported.</summary>
    public List<(string Path, string Reason)> Problems { get; } = [];

    public List<ProjectRecord> ReadProjects()
    {
        var projects = new List<ProjectRecord>();
        foreach (var file in EnumerateJson(Path.Combine(_storage, "project"), SearchOption.TopDirectoryOnly))
        {
            var project = ReadRecord(file, r => Str(r, "id") is { } id
                ? new ProjectRecord { Id = id, Worktree = Str(r, "worktree"), Name = Str(r, "name") }
                : null);
            if (project is not null)
            {
                projects.Add(project);
            }
        }

        return projects;
    }

    public List<SessionRecord> ReadSessions()
    {
        var sessions = new List<SessionRecord>();
        foreach (var file in EnumerateJson(Path.Combine(_storage, "session"), SearchOption.AllDirectories))
        {
            var session = ReadRecord(file, r => Str(r, "id") is { } id ? Session(file, r, id) : null);
            if (session is not null)
            {
                sessions.Add(session);
            }
        }

        return sessions;
    }

    private SessionRecord Session(string file, JsonElement r, string id)
    {
        long created = 0, updated = 0;
        long? archived = null;
        if (r.TryGetProperty("time", out var time) && time.ValueKind == JsonValueKind.Object)
        {
            created = Num(time, "created") ?? 0;
            updated = Num(time, "updated") ?? created;
            archived = Num(time, "archived");
        }

        return new SessionRecord
        {
            Id = id,
            ProjectId = Str(r, "projectID") ?? Path.GetFileName(Path.GetDirectoryName(file)),
            ParentId = Str(r, "parentID"),
            Title = Str(r, "title"),
            Directory = Str(r, "directory"),
            Version = Str(r, "version"),
            Created = created,
            Updated = updated,
            Archived = archived,
            Store = Store,
        };
    }

    /// <summary>Streams the messages of the sessions <paramref name="owned"/> lists, one file at a time.</summary>
    public void ScanMessages(IEnumerable<SessionRecord> owned, IMessageSink sink, StringPool strings,
        Action<long>? progress, CancellationToken cancellationToken)
    {
        long count = 0;
        foreach (var session in owned)
        {
            var folder = Path.Combine(_storage, "message", session.Id);
            foreach (var file in EnumerateJson(folder, SearchOption.TopDirectoryOnly))
            {
                cancellationToken.ThrowIfCancellationRequested();
                byte[] bytes;
                try
                {
                    bytes = RegularFile.ReadAllBytes(file, RegularFile.RecordCap, cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    Problems.Add((file, ex.Message));
                    continue;
                }

                var fileId = Path.GetFileNameWithoutExtension(file);
                if (!MessagePayload.TryParse(bytes, out var payload, strings))
                {
                    sink.Malformed(session, fileId);
                    continue;
                }

                sink.Accept(session, payload.Id ?? fileId, -1, ref payload);
                if (++count % 256 == 0)
                {
                    progress?.Invoke(count);
                }
            }
        }

        progress?.Invoke(count);
    }

    private IEnumerable<string> EnumerateJson(string folder, SearchOption option)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        try
        {
            var options = new EnumerationOptions
            {
                RecurseSubdirectories = option == SearchOption.AllDirectories,
                IgnoreInaccessible = true,
                MatchType = MatchType.Simple,
            };
            return Directory.EnumerateFiles(folder, "*.json", options);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Problems.Add((folder, ex.Message));
            return [];
        }
    }

    private JsonElement? ReadDocument(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(RegularFile.ReadAllBytes(file, RegularFile.RecordCap));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            Problems.Add((file, ex.Message));
            return null;
        }
    }

    /// <summary>Reads a record from one file; one whose strings are not valid Unicode is a problem, not a crash.</summary>
    private T? ReadRecord<T>(string file, Func<JsonElement, T?> read)
        where T : class
    {
        if (ReadDocument(file) is not { } root)
        {
            return null;
        }

        try
        {
            return read(root);
        }
        catch (InvalidOperationException ex)
        {
            Problems.Add((file, ex.Message));
            return null;
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
