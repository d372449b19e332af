using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>Busy and idle with a fake clock: idle once per idle period, busy again on the next activity.</summary>
public sealed class IdleTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void First_activity_makes_a_session_busy_and_later_activity_does_not_again()
    {
        var idle = new IdleTracker(TimeSpan.FromMinutes(15));
        Assert.True(idle.Touch("a", T0));
        Assert.False(idle.Touch("a", T0.AddMinutes(5)));
        Assert.True(idle.Touch("b", T0.AddMinutes(6)));
        Assert.Equal(2, idle.BusyCount);
    }

    [Fact]
    public void A_session_goes_idle_once_per_idle_period_measured_from_its_last_activity()
    {
        var idle = new IdleTracker(TimeSpan.FromMinutes(15));
        idle.Touch("a", T0);
        idle.Touch("a", T0.AddMinutes(10));
        Assert.Equal(T0.AddMinutes(25), idle.NextDue());
        Assert.Empty(idle.Due(T0.AddMinutes(24)));
        var due = Assert.Single(idle.Due(T0.AddMinutes(26)));
        Assert.Equal(("a", T0.AddMinutes(25)), due);
        Assert.Empty(idle.Due(T0.AddHours(5)));
        Assert.Null(idle.NextDue());

        Assert.True(idle.Touch("a", T0.AddHours(6)));
        Assert.Single(idle.Due(T0.AddHours(6).AddMinutes(15)));
    }

    [Fact]
    public void Sessions_go_idle_in_the_order_they_fell_quiet()
    {
        var idle = new IdleTracker(TimeSpan.FromMinutes(1));
        idle.Touch("late", T0.AddSeconds(30));
        idle.Touch("early", T0);
        Assert.Equal(["early", "late"], idle.Due(T0.AddMinutes(5)).Select(d => d.SessionId));
    }

    [Fact]
    public void An_explicit_idle_counts_once_and_never_idle_means_no_deadline()
    {
        var idle = new IdleTracker(Timeout.InfiniteTimeSpan);
        idle.Touch("a", T0);
        Assert.Null(idle.NextDue());
        Assert.Empty(idle.Due(T0.AddYears(1)));
        Assert.True(idle.MarkIdle("a"));
        Assert.False(idle.MarkIdle("a"));
    }

    [Fact]
    public void A_streaming_reply_holds_the_session_busy_until_it_ends()
    {
        var idle = new IdleTracker(TimeSpan.FromMinutes(1));
        idle.Touch("a", T0);
        idle.ReplyStarted("a", "msg_1");
        Assert.Null(idle.NextDue());
        Assert.Empty(idle.Due(T0.AddHours(3)));
        idle.ReplyEnded("a", "msg_1");
        Assert.Single(idle.Due(T0.AddHours(3)));
        Assert.False(idle.IsStreaming("a"));
    }
}
