using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>Drains a feed on a test thread, as the cmdlet does on the pipeline thread, with arrival times.</summary>
internal sealed class FeedReader : IDisposable
{
    private readonly ActivityFeed _feed;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drain;
    private readonly List<(ActivityEvent Event, DateTimeOffset Arrived)> _events = [];
    private readonly List<WatchItem> _other = [];

    public FeedReader(ActivityFeed feed)
    {
        _feed = feed;
        _drain = Task.Run(async () =>
        {
            try
            {
                while (await feed.ReadAsync(_stop.Token) is { } item)
                {
                    lock (_events)
                    {
                        if (item.Event is { } e)
                        {
                            _events.Add((e, DateTimeOffset.UtcNow));
                        }
                        else
                        {
                            _other.Add(item);
                        }

                        Monitor.PulseAll(_events);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public List<ActivityEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.Select(e => e.Event).ToList();
            }
        }
    }

    public List<(ActivityEvent Event, DateTimeOffset Arrived)> Arrivals
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public List<WatchItem> Messages
    {
        get
        {
            lock (_events)
            {
                return [.. _other];
            }
        }
    }

    /// <summary>Waits until an event matches; fails the test after <paramref name="timeout"/>.</summary>
    public ActivityEvent WaitFor(Func<ActivityEvent, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_events)
        {
            while (true)
            {
                if (_events.Select(e => e.Event).FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"no matching event within {timeout}; got: {string.Join(", ", _events.Select(e => e.Event.Kind))}; other: {string.Join(" | ", _other.Select(o => o.Warning ?? o.Verbose ?? o.Failure?.Message))}");
                Monitor.Wait(_events, left);
            }
        }
    }

    public void Dispose()
    {
        _feed.Dispose();
        _stop.Cancel();
        _drain.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
