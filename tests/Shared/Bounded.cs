namespace OpenCodeUsage.Tests;

/// <summary>Runs a call with a deadline, so a hang fails its test instead of stalling the whole run.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static T Run<T>(Func<T> call, TimeSpan? limit = null)
    {
        var task = Task.Run(call);
        if (!task.Wait(limit ?? Limit))
        {
            throw new TimeoutException($"The call did not return within {(limit ?? Limit).TotalSeconds:0} s.");
        }

        return task.GetAwaiter().GetResult();
    }
}
