namespace OpenCodeUsage.Activity;

/// <summary>
/// Wakes the watch when OpenCode writes: file-system change notifications on the database and its -wal file
/// (or a legacy storage folder). Where notifications fail or never come (network shares, WSL paths) the watch
/// still polls; this only makes it fast.
/// </summary>
internal sealed class ChangeSignal : IDisposable
{
    private static int s_watchers;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly List<FileSystemWatcher> _watchers = [];
    private int _disposed;

    /// <summary>FileSystemWatchers alive in this process: tests check a stopped watch leaves none.</summary>
    public static int ActiveWatchers => Volatile.Read(ref s_watchers);

    /// <summary>Why notifications stopped, once they did (e.g. the inotify watch limit); polling carries on.</summary>
    public string? Failure { get; private set; }

    /// <summary>Watches <paramref name="directory"/>; returns a reason when notifications are not available there.</summary>
    public string? Watch(string directory, Func<string, bool> matters, bool recursive)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = recursive,
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.FileName | NotifyFilters.DirectoryName,
                InternalBufferSize = 64 * 1024,
            };
            FileSystemEventHandler changed = (_, e) =>
            {
                if (matters(Path.GetFileName(e.FullPath)) || (recursive && e.ChangeType == WatcherChangeTypes.Created))
                {
                    Set();
                }
            };
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Renamed += (sender, e) => changed(sender, e);
            watcher.Error += (_, e) =>
            {
                Failure = e.GetException().Message;
                Set();
            };
            watcher.EnableRaisingEvents = true;
            lock (_watchers)
            {
                _watchers.Add(watcher);
            }

            Interlocked.Increment(ref s_watchers);
            return null;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            watcher?.Dispose();
            return ex.Message;
        }
    }

    public void Set()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            if (_signal.CurrentCount == 0)
            {
                _signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the watch is ending.
        }
    }

    /// <summary>True when a change was signalled within <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <summary>Forgets signals already given: one read covers them all.</summary>
    public void Drain()
    {
        while (_signal.Wait(0))
        {
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_watchers)
        {
            foreach (var watcher in _watchers)
            {
                watcher.EnableRaisingEvents = false;
                watcher.Dispose();
                Interlocked.Decrement(ref s_watchers);
            }

            _watchers.Clear();
        }

        _signal.Dispose();
    }
}
