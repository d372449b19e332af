using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Server;

[Collection(OpenCodeUsage.Tests.Server.MemoryCollection.Name)]
public sealed class BoundedLineReaderTests
{
    /// <summary>"data: " and <paramref name="length"/> 'x' characters made as they are read, then a short second line.</summary>
    private sealed class LongLine(long length) : TextReader
    {
        private readonly string _head = "data: ";
        private readonly string _tail = "\r\ndata: {}\n";
        private long _at;

        public override int Read(char[] buffer, int index, int count)
        {
            var total = _head.Length + length + _tail.Length;
            var n = 0;
            while (n < count && _at < total)
            {
                buffer[index + n++] = _at < _head.Length ? _head[(int)_at] : _at < _head.Length + length ? 'x' : _tail[(int)(_at - _head.Length - length)];
                _at++;
            }

            return n;
        }
    }

    [Fact]
    public async Task An_SSE_line_that_never_ends_costs_a_bounded_buffer_and_the_next_line_still_reads()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var reader = new BoundedLineReader(new LongLine(100_000_000), 1 << 20);
        var first = await reader.ReadLineAsync(CancellationToken.None);
        var second = await reader.ReadLineAsync(CancellationToken.None);
        var end = await reader.ReadLineAsync(CancellationToken.None);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(1 << 20, first!.Length);
        Assert.StartsWith("data: xxx", first, StringComparison.Ordinal);
        Assert.Equal("data: {}", second);
        Assert.Null(end);
        Assert.Equal(1, reader.LinesCut);
        Assert.InRange(allocated, 0, 32L << 20); // ReadLine would have built a 200 MB string
    }
}
