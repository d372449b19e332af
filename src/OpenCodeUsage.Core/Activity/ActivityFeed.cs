using System.Threading.Channels;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Activity;

/// <summary>
/// A running watch: a reader loop of its own produces <see cref="WatchItem"/>s into a channel, which the caller
/// drains on its own thread (the cmdlet writes objects on the pipeline thread only). Disposing it stops the
/// loop and releases every file watcher, connection and socket.
/// </summary>
public sealed class ActivityFeed : IDisposable
{
    /// <summary>Pause after a notification, so a burst of writes (part, message, session) is read once.</summary>
    internal static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(15);

    private static int s_active;
    private readonly Channel<WatchItem> _channel = Channel.CreateBounded<WatchItem>(
        new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly IReadOnlyList<IActivitySource> _sources;
    private int _disposed;

    private ActivityFeed(Func<ChannelWriter<WatchItem>, CancellationToken, Task> run, IReadOnlyList<IActivitySource>? sources = null)
    {
        _sources = sources ?? [];
        Interlocked.Increment(ref s_active);
        _loop = Task.Run(async () =>
        {
            try
            {
                await run(_channel.Writer, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stopped by Dispose.
            }
            catch (OpenCodeUsageException ex)
            {
                _channel.Writer.TryWrite(WatchItem.Fail(ex));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _channel.Writer.TryWrite(WatchItem.Fail(new OpenCodeUsageException("WatchFailed", FailureKind.ReadFailed,
                    $"The watch stopped: {ex.Message}", null, ex)));
            }
            finally
            {
                _channel.Writer.TryComplete();
            }
        });
    }

    /// <summary>Watches running in this process (tests check that a stopped watch leaves none).</summary>
    public static int ActiveCount => Volatile.Read(ref s_active);

    /// <summary>Reads of the stores so far (not with a server).</summary>
    internal long Reads => _sources.Sum(s => s.Reads);

    /// <summary>File-system watchers alive in this process.</summary>
    public static int ActiveFileWatchers => ChangeSignal.ActiveWatchers;

    /// <summary>
    /// Starts watching. The stores are found and read as they are now before this returns, so a wrong path fails
    /// here, and everything written after it returns is reported.
    /// </summary>
    /// <param name="diagnostics">Told of a given data path that is not there while others are (then the others are watched); null to fail on it.</param>
    public static ActivityFeed Start(ActivityOptions options, Func<string, string?> environment, ReadDiagnostics? diagnostics = null)
    {
        if (options.Server is { } server)
        {
            var client = new ServerActivitySource(server, options, environment);
            return new ActivityFeed(async (writer, ct) =>
            {
                using (client)
                {
                    await client.RunAsync(writer, ct).ConfigureAwait(false);
                }
            });
        }

        var sources = new List<IActivitySource>();
        foreach (var source in DataLocator.Resolve(options.DataPaths, environment, diagnostics))
        {
            foreach (var database in source.Databases)
            {
                sources.Add(new SqliteActivitySource(database, source.DataPath, options.Filter, new IdleTracker(options.IdleAfter)));
            }

            if (source.LegacyStorage is { } legacy)
            {
                sources.Add(new LegacyActivitySource(legacy, source.DataPath, options.Filter, new IdleTracker(options.IdleAfter)));
            }
        }

        foreach (var source in sources)
        {
            source.Start();
        }

        return new ActivityFeed((writer, ct) => new StoreWatch(sources, options).RunAsync(writer, ct), sources);
    }

    /// <summary>The next item; null when the watch has ended. Throws OperationCanceledException when <paramref name="cancellationToken"/> fires.</summary>
    public async ValueTask<WatchItem?> ReadAsync(CancellationToken cancellationToken)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_channel.Reader.TryRead(out var item))
            {
                return item;
            }
        }

        return null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            // The loop notices at once: its waits take the token, and a read in flight takes milliseconds.
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            // Reported through the channel already.
        }

        foreach (var source in _sources)
        {
            source.Stop();
        }

        _stop.Dispose();
        Interlocked.Decrement(ref s_active);
    }

    /// <summary>The loop over local stores: wait for a notification, a poll tick or an idle deadline, then read.</summary>
    private sealed class StoreWatch(IReadOnlyList<IActivitySource> sources, ActivityOptions options)
    {
        private readonly Dictionary<IActivitySource, string> _failing = [];

        public async Task RunAsync(ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
        {
            using var signal = new ChangeSignal();
            if (options.UseNotifications)
            {
                foreach (var source in sources)
                {
                    var (directory, matters, recursive) = source.Notifications;
                    if (signal.Watch(directory, matters, recursive) is { } reason)
                    {
                        await writer.WriteAsync(WatchItem.Say($"No change notifications for '{directory}' ({reason}); polling every {options.PollInterval.TotalSeconds:0.##} s."), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var clock = options.Clock;
            var notificationFailure = (string?)null;
            var more = false;
            while (true)
            {
                var wait = options.PollInterval;
                foreach (var source in sources)
                {
                    if (source.NextIdleDue is { } due && due - clock.GetUtcNow() < wait)
                    {
                        wait = due - clock.GetUtcNow();
                    }
                }

                var signalled = more || await signal.WaitAsync(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, cancellationToken).ConfigureAwait(false);
                if (signalled && !more)
                {
                    await Task.Delay(Debounce, cancellationToken).ConfigureAwait(false);
                    signal.Drain();
                }

                if (signal.Failure is { } failure && notificationFailure is null)
                {
                    notificationFailure = failure;
                    await writer.WriteAsync(WatchItem.Say($"Change notifications stopped ({failure}); polling every {options.PollInterval.TotalSeconds:0.##} s."), cancellationToken).ConfigureAwait(false);
                }

                more = false;
                foreach (var source in sources)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (source.MayHaveChanged(signalled))
                    {
                        more |= await ReadAsync(source, writer, cancellationToken).ConfigureAwait(false);
                    }

                    foreach (var e in source.IdleDue(clock.GetUtcNow()))
                    {
                        await writer.WriteAsync(WatchItem.Of(e), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        private async Task<bool> ReadAsync(IActivitySource source, ChannelWriter<WatchItem> writer, CancellationToken cancellationToken)
        {
            List<ActivityEvent> events;
            bool more;
            try
            {
                events = source.Read(options.Clock.GetUtcNow(), out more);
                _failing.Remove(source);
            }
            catch (OpenCodeUsageException ex)
            {
                // Once per failure spell: a locked or vanished database is retried on the next change or tick.
                if (!_failing.TryGetValue(source, out var failingWith) || failingWith != ex.ErrorId)
                {
                    _failing[source] = ex.ErrorId;
                    await writer.WriteAsync(WatchItem.Warn(ex.Message + " Retrying."), cancellationToken).ConfigureAwait(false);
                }

                return false;
            }

            foreach (var e in events)
            {
                await writer.WriteAsync(WatchItem.Of(e), cancellationToken).ConfigureAwait(false);
            }

            return more;
        }
    }
}
