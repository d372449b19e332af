using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// The warm session of each project directory (and, for -Server, of each server and directory), kept in
/// <c>warm-sessions.json</c> under the user's state directory. Every change re-reads the file and replaces it
/// atomically (a new file moved over the old), so concurrent pwsh sessions lose at most a warm id, never the file.
/// </summary>
public sealed class WarmSessionStore
{
    public const string FileName = "warm-sessions.json";

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly object FileGate = new();

    public WarmSessionStore(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }

    /// <summary>$XDG_STATE_HOME/OpenCodeUsage (else ~/.local/state/OpenCodeUsage); %LOCALAPPDATA%\OpenCodeUsage on Windows.</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        string directory;
        if (OperatingSystem.IsWindows())
        {
            directory = environment("LOCALAPPDATA") is { Length: > 0 } local && System.IO.Path.IsPathRooted(local)
                ? local
                : System.Environment.GetFolderPath(System.Environment.SpecialFolder.LocalApplicationData);
        }
        else
        {
            directory = environment("XDG_STATE_HOME") is { Length: > 0 } state && System.IO.Path.IsPathRooted(state)
                ? state
                : System.IO.Path.Combine(OpenCodePaths.Home(environment), ".local", "state");
        }

        return System.IO.Path.Combine(directory, "OpenCodeUsage", FileName);
    }

    /// <summary>
    /// The key of a warm session: the directory's full path, the server's address for -Server, and the model it
    /// was made with. A fork keeps its parent's model, so a warm session made for one model must never be
    /// forked for a task that asked for another (or for OpenCode's configured one, <paramref name="model"/> null).
    /// </summary>
    public static string KeyFor(string directory, Uri? server, string? model) =>
        model is null ? PlaceKey(directory, server) : PlaceKey(directory, server) + " model=" + model;

    private static string PlaceKey(string directory, Uri? server)
    {
        if (server is not null)
        {
            // A path on the server's machine, which may not even be this platform's kind of path: kept as given.
            return $"{server.GetLeftPart(UriPartial.Path).TrimEnd('/')} {directory.TrimEnd('/', '\\')}";
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory));
        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            full = full.ToUpperInvariant(); // case-insensitive file systems: one project, one key
        }

        return full;
    }

    public string? Get(string key)
    {
        lock (FileGate)
        {
            return IdOf(Read()[key]);
        }
    }

    public void Set(string key, string sessionId)
    {
        lock (FileGate)
        {
            var sessions = Read();
            sessions[key] = new JsonObject { ["id"] = sessionId, ["created"] = DateTimeOffset.UtcNow.ToString("O") };
            Write(sessions);
        }
    }

    /// <summary>Forgets <paramref name="sessionId"/> as the key's warm session, unless another has replaced it meanwhile.</summary>
    public void Remove(string key, string sessionId)
    {
        lock (FileGate)
        {
            var sessions = Read();
            if (IdOf(sessions[key]) == sessionId)
            {
                sessions.Remove(key);
                Write(sessions);
            }
        }
    }

    /// <summary>
    /// The key's warm session, made by <paramref name="create"/> when there is none (or when <paramref name="gone"/>,
    /// the one that failed, is still recorded). Parallel calls for one key in this process wait for a single creation.
    /// A state file that cannot be written is reported to <paramref name="warn"/>: the new session is used anyway.
    /// </summary>
    public async Task<string> GetOrCreateAsync(string key, string? gone, Func<Task<string>> create, Action<string> warn,
        CancellationToken cancellationToken)
    {
        var known = Get(key);
        if (known is not null && known != gone)
        {
            return known;
        }

        var gate = Gates.GetOrAdd(Path + "\n" + key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            known = Get(key);
            if (known is not null && known != gone)
            {
                return known;
            }

            var created = await create().ConfigureAwait(false);
            try
            {
                Set(key, created);
            }
            catch (OpenCodeUsageException ex)
            {
                warn(ex.Message + " The next call makes another warm session.");
            }

            return created;
        }
        finally
        {
            gate.Release();
        }
    }

    private static string? IdOf(JsonNode? entry) =>
        entry is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null;

    private JsonObject Read()
    {
        try
        {
            return File.Exists(Path) && JsonNode.Parse(RegularFile.ReadOwn(Path, RegularFile.ConfigCap))?["sessions"] is JsonObject sessions
                ? (JsonObject)sessions.DeepClone()
                : [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // A damaged or unreadable file only costs new warm sessions; it is replaced on the next write.
            return [];
        }
    }

    private void Write(JsonObject sessions)
    {
        var document = new JsonObject { ["version"] = 1, ["sessions"] = sessions };
        try
        {
            PrivateFile.Write(Path, stream =>
            {
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                document.WriteTo(writer);
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException("WarmSessionStateWriteFailed", FailureKind.WriteFailed,
                $"The warm-session state file '{Path}' could not be written: {ex.Message}", Path, ex);
        }
    }
}
