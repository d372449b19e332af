using Xunit;
using System.Globalization;

namespace OpenCodeUsage.Tests.Display;

/// <summary>The strings the table views print: as wide as the views allow at every magnitude, and rounded honestly.</summary>
public sealed class DisplayTests
{
    public DisplayTests() => CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

    public static TheoryData<long> Magnitudes()
    {
        var data = new TheoryData<long>();
        for (long v = 1; v < 1_000_000_000_000_000L; v *= 10)
        {
            foreach (var m in new[] { 1, 5, 9 })
            {
                data.Add(v * m);
                data.Add(v * m + v - 1);
            }
        }

        data.Add(0);
        data.Add(999_950);
        return data;
    }

    [Theory]
    [MemberData(nameof(Magnitudes))]
    public void Every_count_fits_its_column(long value)
    {
        Assert.InRange(OpenCodeUsage.Display.Tokens(value).Length, 1, OpenCodeUsage.Display.TokensWidth);
        Assert.InRange(OpenCodeUsage.Display.Count(value).Length, 1, OpenCodeUsage.Display.CountWidth);
    }

    [Theory]
    [InlineData(0, "0")]
    [InlineData(9_999, "9,999")]
    [InlineData(10_000, "10.0k")]
    [InlineData(12_345, "12.3k")]
    [InlineData(123_456, "123k")]
    [InlineData(999_499, "999k")]
    [InlineData(999_500, "1.00M")]
    [InlineData(1_234_567, "1.23M")]
    [InlineData(211_111_111_111, "211B")]
    [InlineData(99_999_999_999, "100.0B")]
    public void Tokens_are_exact_to_four_digits_then_three_significant_ones(long value, string expected) =>
        Assert.Equal(expected, OpenCodeUsage.Display.Tokens(value));

    [Theory]
    [InlineData(172_896, "172,896")]
    [InlineData(999_999, "999,999")]
    [InlineData(1_000_000, "1.00M")]
    [InlineData(9_876_543, "9.88M")]
    public void Counts_are_exact_below_a_million(long value, string expected) =>
        Assert.Equal(expected, OpenCodeUsage.Display.Count(value));

    [Theory]
    [InlineData("0.0753", "0.0753")]
    [InlineData("0.00001", "0.0000")]
    [InlineData("9.99994", "9.9999")]
    [InlineData("10", "10.00")]
    [InlineData("1234.567", "1,234.57")]
    [InlineData("98765.4321", "98,765")]
    [InlineData("9999999.49", "9,999,999")]
    public void Money_has_the_precision_its_size_needs(string value, string expected)
    {
        var text = OpenCodeUsage.Display.Money(decimal.Parse(value, CultureInfo.InvariantCulture));
        Assert.Equal(expected, text);
        Assert.True(text.Length <= OpenCodeUsage.Display.MoneyWidth);
    }

    [Fact]
    public void Unknown_money_is_blank() => Assert.Equal(string.Empty, OpenCodeUsage.Display.Money((decimal?)null));
}
