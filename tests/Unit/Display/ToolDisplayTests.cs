using System.Globalization;
using Xunit;

namespace OpenCodeUsage.Tests.Display;

/// <summary>The run times and sizes the tool view prints: never wider than its columns, read the way they are meant.</summary>
public sealed class ToolDisplayTests
{
    public ToolDisplayTests() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData(0, "0.00s")]
    [InlineData(162, "0.16s")]
    [InlineData(9_999, "9.99s")]
    [InlineData(42_150, "42.1s")]
    [InlineData(59_999, "59.9s")]
    [InlineData(725_000, "12m05s")]
    [InlineData(11_220_000, "3h07m")]
    [InlineData(1_051_200_000, "12d04h")]
    public void Durations_read_as_meant(long milliseconds, string text) =>
        Assert.Equal(text, OpenCodeUsage.Display.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.00KiB")]
    [InlineData(12_595, "12.3KiB")]
    [InlineData(1_048_575, "1.00MiB")]
    [InlineData(478_150_656, "456MiB")]
    public void Sizes_read_as_meant(long bytes, string text) =>
        Assert.Equal(text, OpenCodeUsage.Display.Bytes(bytes));

    [Fact]
    public void Every_duration_and_size_fits_its_column()
    {
        for (var ms = 1L; ms < TimeSpan.FromDays(9999).TotalMilliseconds; ms = ms * 3 + 7)
        {
            Assert.True(OpenCodeUsage.Display.Duration(TimeSpan.FromMilliseconds(ms)).Length <= OpenCodeUsage.Display.DurationWidth, $"{ms} ms");
        }

        for (var b = 1L; b < (1L << 60); b = b * 3 + 1)
        {
            Assert.True(OpenCodeUsage.Display.Bytes(b).Length <= OpenCodeUsage.Display.BytesWidth, $"{b} B");
        }
    }
}
