namespace OpenCodeUsage.Delegation;

/// <summary>
/// Work started in input order, at most <see cref="Limit"/> at a time, whose results are handed back in input
/// order: a result waits for every earlier one. The owner (a cmdlet's pipeline thread) starts work while
/// <see cref="IsFull"/> is false and takes results at the head, so nothing here touches the caller's thread.
/// </summary>
public sealed class OrderedRuns<T>
{
    private readonly Queue<Task<T>> _runs = new();

    public OrderedRuns(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
    }

    public int Limit { get; }

    /// <summary>Started and not yet taken, finished or not.</summary>
    public int Count => _runs.Count;

    /// <summary>As many runs as the limit are outstanding: take the head before starting another.</summary>
    public bool IsFull => _runs.Count >= Limit;

    /// <summary>The oldest run has finished and can be taken without waiting.</summary>
    public bool HeadFinished => _runs.Count > 0 && _runs.Peek().IsCompleted;

    public void Start(Func<Task<T>> work)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"{Limit} runs are outstanding already; take one first.");
        }

        _runs.Enqueue(Task.Run(work));
    }

    /// <summary>Waits up to <paramref name="slice"/> for the oldest run; true when it has finished.</summary>
    public bool WaitHead(TimeSpan slice) => _runs.Count > 0 && ((IAsyncResult)_runs.Peek()).AsyncWaitHandle.WaitOne(slice);

    /// <summary>Removes the oldest run and returns its result, or throws what it threw.</summary>
    public T TakeHead()
    {
        var head = _runs.Dequeue();
        return head.GetAwaiter().GetResult();
    }

    /// <summary>Waits up to <paramref name="limit"/> for every outstanding run (after cancelling them) and forgets them.</summary>
    public void Drain(TimeSpan limit)
    {
        var all = _runs.ToArray();
        _runs.Clear();
        try
        {
            Task.WaitAll(all, limit);
        }
        catch (AggregateException)
        {
            // Their failures no longer matter: the caller is stopping.
        }
    }
}
