namespace OpenCodeUsage.Digest;

/// <summary>
/// Digests kept between calls: in memory for the life of the PowerShell session, and on disk (see
/// <see cref="DigestFile"/>) so a new session starts warm. Keyed by database path; every digest is
/// checked against its database before use, so the cache can only save work, never change a figure.
/// </summary>
internal sealed class DigestCache
{
    private readonly Dictionary<string, StoreDigest> _memory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoreDigest> _unsaved = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private TaskCompletionSource _flushNow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _saving = Task.CompletedTask;
    private bool _saverRunning;

    /// <summary>
    /// How long a changed digest waits before it is written, so that later changes are written with it. The file is
    /// the whole digest (about 50 MB at a million messages) and OpenCode changes the database every few seconds
    /// while it works: written after each change, it would be rewritten all the time. A process that ends sooner
    /// writes it on the way out.
    /// </summary>
    private static readonly TimeSpan SaveDelay = TimeSpan.FromSeconds(15);

    static DigestCache()
    {
        // Digests are written in the background so no command waits for the disk; a one-shot process
        // (pwsh -c, a scheduled task) still leaves its digest behind for the next one.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            DigestCache[] caches;
            lock (SharedGate)
            {
                caches = [.. s_shared.Values];
            }

            foreach (var cache in caches)
            {
                cache.Flush(TimeSpan.FromSeconds(10));
            }
        };
    }

    /// <param name="directory">Where digests are persisted; null keeps them in memory only.</param>
    public DigestCache(string? directory) => Directory = directory;

    /// <summary>The process-wide cache the cmdlets share, persisted under the user's cache directory.</summary>
    public static DigestCache Shared(Func<string, string?> environment)
    {
        var directory = CacheDirectory(environment);
        lock (SharedGate)
        {
            // One per directory: runspaces (or tests) pointing at different cache dirs never evict each other.
            if (!s_shared.TryGetValue(directory, out var cache))
            {
                cache = new DigestCache(directory);
                s_shared[directory] = cache;
            }

            return cache;
        }
    }

    private static readonly object SharedGate = new();
    private static readonly Dictionary<string, DigestCache> s_shared = new(StringComparer.Ordinal);

    public string? Directory { get; }

    /// <param name="note">Told why a file on disk was not used, when that is worth saying (another user's file).</param>
    public StoreDigest? Find(string path, Action<string>? note = null)
    {
        lock (_gate)
        {
            if (_memory.TryGetValue(path, out var digest))
            {
                return digest;
            }
        }

        var loaded = Directory is null ? null : DigestFile.TryLoad(Directory, path, note);
        if (loaded is not null)
        {
            lock (_gate)
            {
                _memory.TryAdd(path, loaded);
            }
        }

        return loaded;
    }

    public void Keep(StoreDigest digest)
    {
        lock (_gate)
        {
            if (_memory.TryGetValue(digest.Path, out var known) && ReferenceEquals(known, digest))
            {
                return; // unchanged: nothing to write
            }

            _memory[digest.Path] = digest;
        }

        if (Directory is null)
        {
            return;
        }

        lock (_gate)
        {
            _unsaved[digest.Path] = digest;
            if (!_saverRunning)
            {
                _saverRunning = true;
                _saving = Task.Run(SaveUnsavedAsync);
            }
        }
    }

    /// <summary>Writes digests not yet written, now, and waits for them.</summary>
    public void Flush(TimeSpan? timeout = null)
    {
        Task saving;
        lock (_gate)
        {
            _flushNow.TrySetResult();
            saving = _saving;
        }

        try
        {
            saving.Wait(timeout ?? Timeout.InfiniteTimeSpan);
        }
        catch (AggregateException)
        {
            // A save that failed only costs the next process a cold read.
        }

        lock (_gate)
        {
            if (!_saverRunning)
            {
                _flushNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private async Task SaveUnsavedAsync()
    {
        var done = false;
        try
        {
            // A burst of changes (OpenCode busy, a script calling in a loop) is written once, not once per call; a
            // process that ends sooner writes at exit (Flush). The wait holds no thread.
            Task flushNow;
            lock (_gate)
            {
                flushNow = _flushNow.Task;
            }

            await Task.WhenAny(Task.Delay(SaveDelay), flushNow).ConfigureAwait(false);
            while (true)
            {
                StoreDigest digest;
                lock (_gate)
                {
                    if (_unsaved.Count == 0)
                    {
                        // Under the same lock as Keep's check, so a digest kept now starts a new saver.
                        _saverRunning = false;
                        done = true;
                        return;
                    }

                    var path = _unsaved.Keys.First();
                    digest = _unsaved[path];
                    _unsaved.Remove(path);
                }

                DigestFile.TrySave(Directory!, digest);
            }
        }
        finally
        {
            if (!done)
            {
                lock (_gate)
                {
                    _saverRunning = false; // failed: the next Keep tries again
                }
            }
        }
    }

    /// <summary>Drops what is held in memory, as a new process would start (the files stay).</summary>
    internal void ForgetMemory()
    {
        Flush();
        lock (_gate)
        {
            _memory.Clear();
        }
    }

    /// <summary>OPENCODEUSAGE_CACHE_DIR, else the platform's cache directory.</summary>
    public static string CacheDirectory(Func<string, string?> environment)
    {
        if (environment("OPENCODEUSAGE_CACHE_DIR") is { Length: > 0 } custom)
        {
            return custom;
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "OpenCodeUsage", "Cache");
        }

        return Path.Combine(Discovery.OpenCodePaths.CacheHome(environment), "OpenCodeUsage");
    }
}
