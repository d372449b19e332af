using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

public sealed class OrderedRunsTests
{
    [Fact]
    public void At_most_the_limit_run_at_once_and_results_come_in_input_order()
    {
        var runs = new OrderedRuns<int>(2);
        var running = 0;
        var most = 0;
        var results = new List<int>();
        foreach (var (input, delay) in new[] { (1, 300), (2, 50), (3, 50), (4, 200), (5, 10) })
        {
            while (runs.IsFull)
            {
                runs.WaitHead(Timeout.InfiniteTimeSpan);
                results.Add(runs.TakeHead());
            }

            runs.Start(async () =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref most, now);
                await Task.Delay(delay);
                Interlocked.Decrement(ref running);
                return input;
            });
        }

        while (runs.Count > 0)
        {
            runs.WaitHead(Timeout.InfiniteTimeSpan);
            results.Add(runs.TakeHead());
        }

        Assert.Equal([1, 2, 3, 4, 5], results);
        Assert.Equal(2, most);
    }

    [Fact]
    public void A_failed_run_throws_when_taken_and_starting_past_the_limit_is_refused()
    {
        var runs = new OrderedRuns<int>(1);
        runs.Start(() => throw new InvalidOperationException("boom"));
        Assert.Throws<InvalidOperationException>(() => runs.Start(() => Task.FromResult(1)));
        runs.WaitHead(TimeSpan.FromSeconds(5));
        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(() => runs.TakeHead()).Message);
        runs.Drain(TimeSpan.FromSeconds(1));
        Assert.Equal(0, runs.Count);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
