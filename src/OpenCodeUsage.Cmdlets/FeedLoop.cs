using System.Management.Automation;
using OpenCodeUsage.Activity;

namespace OpenCodeUsage.Commands;

/// <summary>The watch loop both Watch- cmdlets run: the feed read on the pipeline thread, where objects may be written.</summary>
internal static class FeedLoop
{
    /// <summary>
    /// Hands each event to <paramref name="onEvent"/> until the feed ends, <paramref name="timeoutSec"/> passes (0: never),
    /// Ctrl+C, or <paramref name="onEvent"/> returns false; warnings and notes go to the cmdlet's streams, a failure
    /// ends the command. The feed is disposed in every case.
    /// </summary>
    public static void Run(Cmdlet cmdlet, ActivityFeed feed, int timeoutSec, CancellationToken stopping, Func<ActivityEvent, bool> onEvent)
    {
        using var timeout = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        if (timeoutSec > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSec));
        }

        try
        {
            while (true)
            {
                WatchItem? item;
                try
                {
                    // Blocks this (the pipeline) thread: objects are only ever written here.
                    item = feed.ReadAsync(linked.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    throw new PipelineStoppedException();
                }
                catch (OperationCanceledException)
                {
                    cmdlet.WriteVerbose($"Stopped after {timeoutSec} s.");
                    return;
                }

                switch (item)
                {
                    case null:
                        return;
                    case { Event: { } e }:
                        if (!onEvent(e))
                        {
                            return;
                        }

                        break;
                    case { Warning: { } warning }:
                        cmdlet.WriteWarning(warning);
                        break;
                    case { Verbose: { } verbose }:
                        cmdlet.WriteVerbose(verbose);
                        break;
                    case { Failure: { } failure }:
                        cmdlet.ThrowTerminatingError(ErrorRecords.From(failure));
                        break;
                }
            }
        }
        finally
        {
            feed.Dispose();
        }
    }
}
