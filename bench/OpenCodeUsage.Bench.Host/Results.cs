using System.Globalization;
using System.Text.Json;

namespace OpenCodeUsage.Bench.Host;

/// <summary>
/// One measured sample, printed as one JSON line on stdout. run.sh appends the lines of every step (and its
/// own, for what /usr/bin/time measures) to one file; <see cref="Report"/> groups them by metric.
/// </summary>
internal sealed record Sample(string Metric, double Ms, double? RssMb = null, double? ManagedMb = null, string? Note = null, double? CpuMs = null,
    double? JitMs = null, long? JitMethods = null)
{
    public void Print()
    {
        var fields = new Dictionary<string, object?> { ["metric"] = Metric, ["ms"] = Math.Round(Ms, 2) };
        if (CpuMs is { } cpu)
        {
            fields["cpu_ms"] = Math.Round(cpu, 1);
        }

        if (RssMb is { } rss)
        {
            fields["rss_mb"] = Math.Round(rss, 1);
        }

        if (ManagedMb is { } managed)
        {
            fields["managed_mb"] = Math.Round(managed, 1);
        }

        if (JitMs is { } jit)
        {
            fields["jit_ms"] = Math.Round(jit, 1);
            fields["jit_methods"] = JitMethods;
        }

        if (Note is not null)
        {
            fields["note"] = Note;
        }

        Console.WriteLine(JsonSerializer.Serialize(fields));
        Console.Out.Flush();
    }

    public static Sample? Parse(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            return new Sample(
                root.GetProperty("metric").GetString()!,
                root.GetProperty("ms").GetDouble(),
                root.TryGetProperty("rss_mb", out var rss) ? rss.GetDouble() : null,
                root.TryGetProperty("managed_mb", out var managed) ? managed.GetDouble() : null,
                root.TryGetProperty("note", out var note) ? note.GetString() : null,
                root.TryGetProperty("cpu_ms", out var cpu) ? cpu.GetDouble() : null,
                root.TryGetProperty("jit_ms", out var jit) ? jit.GetDouble() : null,
                root.TryGetProperty("jit_methods", out var methods) ? methods.GetInt64() : null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    public static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
