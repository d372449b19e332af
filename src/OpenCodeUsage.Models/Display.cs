using System.Globalization;

namespace OpenCodeUsage;

/// <summary>
/// How the table views write numbers: short enough that every column of a view fits 80 columns, and never cut.
/// The exact value stays in the property; these strings are only for people reading a table.
/// </summary>
public static class Display
{
    /// <summary>The widest string <see cref="Tokens"/> returns for any count under 10^15 ("999.9T" is 6).</summary>
    public const int TokensWidth = 6;

    /// <summary>The widest string <see cref="Count"/> returns for any count under 10^15.</summary>
    public const int CountWidth = 7;

    /// <summary>The widest string <see cref="Money"/> returns for any amount under 10^7 dollars.</summary>
    public const int MoneyWidth = 9;

    private static readonly string[] Suffixes = ["k", "M", "B", "T"];

    /// <summary>Exact below 10,000 ("9,876"); above, three significant digits and a magnitude: "12.3k", "456M", "1.20B".</summary>
    public static string Tokens(long value) => Math.Abs(value) < 10_000 ? value.ToString("N0", CultureInfo.CurrentCulture) : Scaled(value);

    /// <summary>Exact below a million ("172,896"); above, as <see cref="Tokens"/>: "1.73M".</summary>
    public static string Count(long value) => Math.Abs(value) < 1_000_000 ? value.ToString("N0", CultureInfo.CurrentCulture) : Scaled(value);

    /// <summary>
    /// Dollars with the precision their size needs: four decimals under $10 (model calls cost fractions of a
    /// cent), cents under $10,000, whole dollars above.
    /// </summary>
    public static string Money(decimal value)
    {
        var magnitude = Math.Abs(value);
        var format = magnitude < 10m ? "N4" : magnitude < 10_000m ? "N2" : "N0";
        return value.ToString(format, CultureInfo.CurrentCulture);
    }

    /// <summary><see cref="Money"/>, or nothing when the amount is unknown.</summary>
    public static string Money(decimal? value) => value is { } v ? Money(v) : string.Empty;

    /// <summary>The widest string <see cref="Duration"/> returns for any span under 10,000 days ("9999d23h" is 8).</summary>
    public const int DurationWidth = 8;

    /// <summary>The widest string <see cref="Bytes"/> returns for any size under 1024 PiB ("1023PiB" is 7).</summary>
    public const int BytesWidth = 7;

    private static readonly string[] ByteUnits = ["KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>A run time: "0.16s", "42.1s", "12m05s", "3h07m", "12d04h".</summary>
    public static string Duration(TimeSpan value)
    {
        var culture = CultureInfo.CurrentCulture;
        // Cut down, not rounded: 9.999 s is "9.99s", never a "10.00s" one character wider.
        return value.TotalSeconds < 10 ? (Math.Floor(value.TotalSeconds * 100) / 100).ToString("0.00", culture) + "s"
            : value.TotalSeconds < 60 ? (Math.Floor(value.TotalSeconds * 10) / 10).ToString("0.0", culture) + "s"
            : value.TotalHours < 1 ? $"{value.Minutes}m{value.Seconds:D2}s"
            : value.TotalDays < 1 ? $"{value.Hours}h{value.Minutes:D2}m"
            : $"{(long)value.TotalDays}d{value.Hours:D2}h";
    }

    /// <summary>A size: exact bytes below 1 KiB ("987 B"), then three significant digits: "12.3KiB", "456MiB".</summary>
    public static string Bytes(long value)
    {
        if (value < 1024)
        {
            return value.ToString(CultureInfo.CurrentCulture) + " B";
        }

        double scaled = value;
        for (var i = 0; i < ByteUnits.Length; i++)
        {
            scaled /= 1024;
            var digits = scaled < 10 ? 2 : scaled < 100 ? 1 : 0;
            var rounded = Math.Round(scaled, digits, MidpointRounding.AwayFromZero);
            if (rounded < 1024 || i == ByteUnits.Length - 1)
            {
                return rounded.ToString(digits switch { 2 => "0.00", 1 => "0.0", _ => "0" }, CultureInfo.CurrentCulture) + ByteUnits[i];
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    private static string Scaled(long value)
    {
        double scaled = value;
        for (var i = 0; i < Suffixes.Length; i++)
        {
            scaled /= 1000;
            var magnitude = Math.Abs(scaled);
            // Round first, so 999,950 becomes "1.00M" and never "1000k".
            var digits = magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
            var rounded = Math.Round(scaled, digits, MidpointRounding.AwayFromZero);
            if (Math.Abs(rounded) < 1000 || i == Suffixes.Length - 1)
            {
                return rounded.ToString(digits switch { 2 => "0.00", 1 => "0.0", _ => "0" }, CultureInfo.CurrentCulture) + Suffixes[i];
            }
        }

        throw new InvalidOperationException("unreachable");
    }
}
