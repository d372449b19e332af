using System.Text;

namespace OpenCodeUsage.Usage;

/// <summary>
/// The bytes of one saved report: its warnings, then every <see cref="UsageSummary"/> field in declaration order.
/// Written with <see cref="BinaryWriter"/> rather than a serializer: a new process that asks another question
/// reads the file only to find the question missing, and System.Text.Json's first use costs more than the
/// read itself (its metadata for the row type is built and JIT-compiled per process).
/// </summary>
internal static class SavedReportLayout
{
    public static byte[] WriteBody(SavedReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(report.Warnings.Count);
            foreach (var warning in report.Warnings)
            {
                w.Write(warning);
            }

            w.Write(report.Rows.Count);
            foreach (var row in report.Rows)
            {
                Write(w, row);
            }
        }

        return stream.ToArray();
    }

    /// <exception cref="EndOfStreamException">The bytes end inside a field.</exception>
    /// <exception cref="InvalidDataException">A count or flag that no writer produces.</exception>
    public static SavedReport ReadBody(string key, byte[] body)
    {
        using var r = new BinaryReader(new MemoryStream(body, writable: false), Encoding.UTF8);
        var warnings = new List<string>(Count(r, body.Length));
        for (var i = warnings.Capacity; i > 0; i--)
        {
            warnings.Add(r.ReadString());
        }

        var rows = new List<UsageSummary>(Count(r, body.Length));
        for (var i = rows.Capacity; i > 0; i--)
        {
            rows.Add(Read(r));
        }

        if (r.BaseStream.Position != body.Length)
        {
            throw new InvalidDataException("A saved report has bytes after its last row.");
        }

        return new SavedReport { Key = key, Rows = rows, Warnings = warnings };
    }

    private static void Write(BinaryWriter w, UsageSummary s)
    {
        w.Write(s.Group);
        WriteDate(w, s.Date);
        WriteText(w, s.Week);
        WriteText(w, s.Month);
        WriteText(w, s.SessionId);
        WriteText(w, s.Title);
        WriteText(w, s.Project);
        WriteText(w, s.ProjectId);
        WriteText(w, s.ProviderId);
        WriteText(w, s.ModelId);
        WriteText(w, s.Agent);
        w.Write(s.Sessions);
        w.Write(s.Messages);
        w.Write(s.InputTokens);
        w.Write(s.OutputTokens);
        w.Write(s.ReasoningTokens);
        w.Write(s.CacheReadTokens);
        w.Write(s.CacheWriteTokens);
        w.Write(s.TotalTokens);
        w.Write(s.Cost);
        WriteOptional(w, s.EstimatedCost, static (w, v) => w.Write(v));
        w.Write(s.IsTotal);
        WriteText(w, s.Models);
        WriteOptional(w, s.CacheHitRate, static (w, v) => w.Write(v));
        WriteOptional(w, s.GenerationTime, static (w, v) => w.Write(v.Ticks));
        WriteOptional(w, s.TokensPerSecond, static (w, v) => w.Write(v));
    }

    private static UsageSummary Read(BinaryReader r) => new()
    {
        Group = r.ReadString(),
        Date = ReadDate(r),
        Week = ReadText(r),
        Month = ReadText(r),
        SessionId = ReadText(r),
        Title = ReadText(r),
        Project = ReadText(r),
        ProjectId = ReadText(r),
        ProviderId = ReadText(r),
        ModelId = ReadText(r),
        Agent = ReadText(r),
        Sessions = r.ReadInt32(),
        Messages = r.ReadInt32(),
        InputTokens = r.ReadInt64(),
        OutputTokens = r.ReadInt64(),
        ReasoningTokens = r.ReadInt64(),
        CacheReadTokens = r.ReadInt64(),
        CacheWriteTokens = r.ReadInt64(),
        TotalTokens = r.ReadInt64(),
        Cost = r.ReadDecimal(),
        EstimatedCost = ReadOptional(r, static r => r.ReadDecimal()),
        IsTotal = Flag(r),
        Models = ReadText(r),
        CacheHitRate = ReadOptional(r, static r => r.ReadDouble()),
        GenerationTime = ReadOptional(r, static r => TimeSpan.FromTicks(r.ReadInt64())),
        TokensPerSecond = ReadOptional(r, static r => r.ReadDouble()),
    };

    private static int Count(BinaryReader r, int bodyLength)
    {
        var count = r.ReadInt32();
        // Every item takes at least one byte: a larger count is damage, and must not size a list.
        return count >= 0 && count <= bodyLength ? count : throw new InvalidDataException("A saved report's count is out of range.");
    }

    private static bool Flag(BinaryReader r) => r.ReadByte() switch
    {
        0 => false,
        1 => true,
        _ => throw new InvalidDataException("A saved report's flag is neither 0 nor 1."),
    };

    private static void WriteText(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null)
        {
            w.Write(text);
        }
    }

    private static string? ReadText(BinaryReader r) => Flag(r) ? r.ReadString() : null;

    // A flag, then the value or its default: every optional number takes the same bytes whether it is set or not.
    private static void WriteOptional<T>(BinaryWriter w, T? value, Action<BinaryWriter, T> write)
        where T : struct
    {
        w.Write(value.HasValue);
        write(w, value.GetValueOrDefault());
    }

    private static T? ReadOptional<T>(BinaryReader r, Func<BinaryReader, T> read)
        where T : struct
    {
        var has = Flag(r);
        var value = read(r);
        return has ? value : null;
    }

    // Ticks and kind separately: ToBinary would turn a local time into the machine's offset of the day it was read.
    private static void WriteDate(BinaryWriter w, DateTime? date)
    {
        w.Write(date.HasValue);
        w.Write(date.GetValueOrDefault().Ticks);
        w.Write((byte)date.GetValueOrDefault().Kind);
    }

    private static DateTime? ReadDate(BinaryReader r)
    {
        var has = Flag(r);
        var ticks = r.ReadInt64();
        var kind = r.ReadByte();
        if (!has)
        {
            return null;
        }

        return kind <= (byte)DateTimeKind.Local && ticks is >= 0 && ticks <= DateTime.MaxValue.Ticks
            ? new DateTime(ticks, (DateTimeKind)kind)
            : throw new InvalidDataException("A saved report's date is out of range.");
    }
}
