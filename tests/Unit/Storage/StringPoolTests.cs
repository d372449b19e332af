using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Storage;

public class StringPoolTests
{
    [Fact]
    public void The_same_bytes_give_the_same_string()
    {
        var pool = new StringPool();
        var first = pool.Get("claude-sonnet-4-5"u8);
        Assert.Same(first, pool.Get("claude-sonnet-4-5"u8.ToArray()));
        Assert.Equal("claude-sonnet-4-5", first);
    }

    [Fact]
    public void Invalid_utf8_read_again_finds_its_string_instead_of_adding_one_per_row()
    {
        // A model name with a stray byte, on every row of a session: decoded once (as U+FFFD), then found by its bytes.
        var pool = new StringPool();
        byte[] name = [(byte)'m', 0xFF, (byte)'x'];
        var first = pool.Get(name);
        Assert.Equal("m\uFFFDx", first);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Same(first, pool.Get(name));
        }
    }

    [Fact]
    public void Different_bytes_that_decode_alike_are_equal_strings()
    {
        var pool = new StringPool();
        Assert.Equal(pool.Get([(byte)'a', 0xFF]), pool.Get([(byte)'a', 0xFE]));
    }
}
