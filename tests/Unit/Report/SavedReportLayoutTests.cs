using System.Reflection;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Report;

/// <summary>A saved report gives back exactly the rows that were kept, every field of them, or nothing.</summary>
public sealed class SavedReportLayoutTests
{
    private static readonly PropertyInfo[] Fields = typeof(UsageSummary).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.SetMethod is not null)
        .ToArray();

    /// <summary>A row whose every field holds a value unlike its default and unlike the other fields'.</summary>
    private static UsageSummary EveryFieldSet(DateTimeKind kind)
    {
        object row = new UsageSummary { Group = "g" };
        var n = 0;
        foreach (var field in Fields)
        {
            n++;
            var type = Nullable.GetUnderlyingType(field.PropertyType) ?? field.PropertyType;
            object value = type switch
            {
                _ when type == typeof(string) => $"{field.Name} é {n}",
                _ when type == typeof(int) => 1_000 + n,
                _ when type == typeof(long) => 10_000_000_000L + n,
                // Scale is kept too: 1.50 and 1.5 are equal numbers that print differently.
                _ when type == typeof(decimal) => 1.2345678901234567890123450m + n,
                _ when type == typeof(double) => 0.1 + n,
                _ when type == typeof(bool) => true,
                _ when type == typeof(DateTime) => new DateTime(2026, 12, 3, 0, 0, 0, kind).AddTicks(n),
                _ when type == typeof(TimeSpan) => TimeSpan.FromTicks(123_456_789 + n),
                _ => throw new InvalidOperationException($"UsageSummary.{field.Name} is of a type the saved form does not know: {type}"),
            };
            field.SetValue(row, value);
        }

        return (UsageSummary)row;
    }

    private static SavedReport RoundTrip(SavedReport report) => SavedReportLayout.ReadBody(report.Key, SavedReportLayout.WriteBody(report));

    private static string Printed(UsageSummary row) =>
        string.Join("|", Fields.Select(f => f.GetValue(row) switch
        {
            DateTime d => $"{d.Ticks}/{d.Kind}",
            IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other?.ToString() ?? "<null>",
        }));

    [Fact]
    public void Every_field_of_a_row_comes_back_as_it_was_kept()
    {
        var rows = new[] { EveryFieldSet(DateTimeKind.Unspecified), EveryFieldSet(DateTimeKind.Utc), EveryFieldSet(DateTimeKind.Local), new UsageSummary { Group = "" } };
        var back = RoundTrip(new SavedReport { Key = "k", Rows = [.. rows], Warnings = ["one", "two é"] });

        Assert.Equal(rows, back.Rows);
        Assert.Equal(rows.Select(Printed), back.Rows.Select(Printed));
        Assert.Equal(["one", "two é"], back.Warnings);
        Assert.Equal("k", back.Key);
        // Nulls stay null, not defaults: the last row set nothing.
        Assert.All(Fields.Where(f => !f.PropertyType.IsValueType || Nullable.GetUnderlyingType(f.PropertyType) is not null).Where(f => f.Name != nameof(UsageSummary.Group)),
            f => Assert.Null(f.GetValue(back.Rows[^1])));
    }

    [Fact]
    public void A_cut_or_padded_body_is_refused_rather_than_read_in_part()
    {
        var body = SavedReportLayout.WriteBody(new SavedReport { Key = "k", Rows = [EveryFieldSet(DateTimeKind.Utc), EveryFieldSet(DateTimeKind.Local)], Warnings = ["w"] });
        for (var length = 0; length < body.Length; length++)
        {
            var cut = body[..length];
            var refused = Record.Exception(() => SavedReportLayout.ReadBody("k", cut));
            Assert.True(refused is EndOfStreamException or InvalidDataException, $"cut at {length}: {refused?.GetType().Name ?? "read"}");
        }

        Assert.Throws<InvalidDataException>(() => SavedReportLayout.ReadBody("k", [.. body, 0]));
    }

    [Fact]
    public void A_count_or_flag_no_writer_makes_is_refused()
    {
        var body = SavedReportLayout.WriteBody(new SavedReport { Key = "k", Rows = [new UsageSummary { Group = "g" }], Warnings = [] });
        var hugeCount = body.ToArray();
        BitConverter.GetBytes(int.MaxValue).CopyTo(hugeCount, 0);
        Assert.Throws<InvalidDataException>(() => SavedReportLayout.ReadBody("k", hugeCount));

        var badFlag = body.ToArray();
        badFlag[4 + 4 + 2] = 7; // after both counts and the group "g": the date's flag
        Assert.Throws<InvalidDataException>(() => SavedReportLayout.ReadBody("k", badFlag));
    }
}
