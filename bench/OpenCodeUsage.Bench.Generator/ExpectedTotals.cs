using System.Text.Json;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// The figures a correct reader must report, added up while the rows are written (never read back):
/// every assistant message (raw), the same without the copies forks made, and per UTC day without copies.
/// </summary>
internal sealed class ExpectedTotals
{
    private readonly SortedDictionary<DateOnly, Totals> _days = [];

    public Totals Raw { get; } = new();
    public Totals WithoutForkCopies { get; } = new();
    public int RootSessions { get; set; }
    public int ChildSessions { get; set; }
    public int ForkSessions { get; set; }
    public long UserMessages { get; set; }
    public long ForkCopiedMessages { get; set; }

    public void Assistant(long created, in Usage usage, decimal cost, bool isForkCopy)
    {
        Raw.Add(usage, cost);
        if (isForkCopy)
        {
            return;
        }

        WithoutForkCopies.Add(usage, cost);
        var day = DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(created).UtcDateTime);
        if (!_days.TryGetValue(day, out var totals))
        {
            totals = new Totals();
            _days[day] = totals;
        }

        totals.Add(usage, cost);
    }

    public void Write(string path, GeneratorOptions options, DbWriter db)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generator", "OpenCodeUsage.Bench.Generator");
        json.WriteString("opencodeVersion", "1.18.33");
        json.WriteString("size", options.Size);
        json.WriteNumber("seed", options.Seed);
        json.WriteString("note", "Assistant-message sums; output excludes reasoning; cost in USD as stored; days are UTC; dedup = fork copies removed.");
        json.WriteStartObject("counts");
        json.WriteNumber("sessions", RootSessions + ChildSessions + ForkSessions);
        json.WriteNumber("rootSessions", RootSessions);
        json.WriteNumber("childSessions", ChildSessions);
        json.WriteNumber("forkSessions", ForkSessions);
        json.WriteNumber("messages", db.Messages);
        json.WriteNumber("userMessages", UserMessages);
        json.WriteNumber("assistantMessages", Raw.Messages);
        json.WriteNumber("forkCopiedMessages", ForkCopiedMessages);
        json.WriteNumber("parts", db.Parts);
        json.WriteNumber("events", db.Events);
        json.WriteEndObject();
        WriteTotals(json, "raw", Raw);
        WriteTotals(json, "dedup", WithoutForkCopies);
        json.WriteStartArray("daysUtc");
        foreach (var (day, totals) in _days)
        {
            json.WriteStartObject();
            json.WriteString("date", day.ToString("yyyy-MM-dd"));
            WriteFields(json, totals);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteTotals(Utf8JsonWriter json, string name, Totals totals)
    {
        json.WriteStartObject(name);
        WriteFields(json, totals);
        json.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter json, Totals totals)
    {
        json.WriteNumber("assistantMessages", totals.Messages);
        json.WriteNumber("input", totals.Input);
        json.WriteNumber("output", totals.Output);
        json.WriteNumber("reasoning", totals.Reasoning);
        json.WriteNumber("cacheRead", totals.CacheRead);
        json.WriteNumber("cacheWrite", totals.CacheWrite);
        json.WriteNumber("cost", totals.Cost);
    }
}
