using System.Text;
using OpenCodeUsage.Digest;
using Xunit;

namespace OpenCodeUsage.Tests.Digest;

/// <summary>The in-step walk tells the usual changes (rows updated in place, rows appended) from all others.</summary>
public sealed class InStepWalkTests
{
    private static readonly (string Key, long Number)[] Known = [("ses_a", 1), ("ses_b", 2), ("ses_c", 3)];

    private static InStepWalk Walk(params (string Key, long Number)[] rows)
    {
        var walk = new InStepWalk(Known.Length, i => Known[i].Key, i => Known[i].Number);
        foreach (var (key, number) in rows)
        {
            if (!walk.Visit(Encoding.UTF8.GetBytes(key), number))
            {
                break;
            }
        }

        return walk;
    }

    [Fact]
    public void The_same_rows_are_in_step_with_nothing_changed()
    {
        var walk = Walk(Known);
        Assert.True(walk.InStep);
        Assert.Empty(walk.Moved);
        Assert.Empty(walk.Added);
    }

    [Fact]
    public void A_moved_number_and_appended_rows_are_what_changed()
    {
        var walk = Walk(("ses_a", 1), ("ses_b", 20), ("ses_c", 3), ("ses_d", 4), ("ses_é", 5));
        Assert.True(walk.InStep);
        Assert.Equal([(1, 20L)], walk.Moved);
        Assert.Equal([("ses_d", 4L), ("ses_é", 5L)], walk.Added);

        var rows = new KeyedNumbers(Known.Select(k => k.Key).ToArray(), Known.Select(k => k.Number).ToArray()).With(walk);
        Assert.Equal(["ses_a", "ses_b", "ses_c", "ses_d", "ses_é"], rows.Keys);
        Assert.Equal([1L, 20, 3, 4, 5], rows.Numbers);
    }

    [Theory]
    [InlineData("removed in the middle", "ses_a,ses_c")]
    [InlineData("removed at the end", "ses_a,ses_b")]
    [InlineData("all removed", "")]
    [InlineData("reordered", "ses_b,ses_a,ses_c")]
    [InlineData("removed and one added in its place", "ses_a,ses_b,ses_x")]
    public void Any_other_change_is_out_of_step(string change, string keys)
    {
        var walk = Walk(keys.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(k => (k, 1L)).ToArray());
        Assert.False(walk.InStep, change);
    }

    [Fact]
    public void Keys_beyond_ASCII_compare_as_text()
    {
        var known = new[] { "ses_ünïcode" };
        var walk = new InStepWalk(1, i => known[i], _ => 7);
        Assert.True(walk.Visit(Encoding.UTF8.GetBytes("ses_ünïcode"), 7));
        Assert.True(walk.InStep);

        var other = new InStepWalk(1, i => known[i], _ => 7);
        Assert.False(other.Visit(Encoding.UTF8.GetBytes("ses_unicode"), 7));
        Assert.False(other.InStep);
    }
}
