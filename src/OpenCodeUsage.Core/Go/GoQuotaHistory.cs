using System.Text.Json;
using System.Text.Json.Nodes;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Go;

/// <summary>
/// The Go quota readings we made, kept in <c>go-quota-history.json</c> under the state directory: owner-only,
/// replaced atomically, at most <see cref="MaxSamples"/> readings and none older than <see cref="MaxAge"/>.
/// </summary>
public static class GoQuotaHistory
{
    public const string FileName = "go-quota-history.json";
    public const int MaxSamples = 2000;
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(62);

    /// <summary>A whole percent is ±0.5%.</summary>
    public const decimal Resolution = 0.5m;

    private static readonly object Gate = new();

    public static string PathFor(Func<string, string?> environment) =>
        Path.Combine(Path.GetDirectoryName(WarmSessionStore.DefaultPath(environment))!, FileName);

    /// <summary>Adds one reading per window; a file that cannot be written is a warning, the quota is still reported.</summary>
    public static void Append(IReadOnlyList<GoQuota> rows, DateTimeOffset now, Func<string, string?> environment, Action<string> warn)
    {
        var path = PathFor(environment);
        lock (Gate)
        {
            var samples = ReadRaw(path);
            foreach (var row in rows)
            {
                samples.Add(new JsonObject
                {
                    ["time"] = now.ToUniversalTime().ToString("O"),
                    ["window"] = row.Window.ToString(),
                    ["percent"] = row.PercentUsed,
                    ["windowStart"] = row.WindowStart?.ToUniversalTime().ToString("O"),
                    ["resetsAt"] = row.ResetsAt?.ToUniversalTime().ToString("O"),
                    ["localCost"] = row.LocalCost,
                    ["workspaceId"] = row.WorkspaceId,
                });
            }

            var kept = samples.Where(s => Time(s) is { } t && now - t <= MaxAge).TakeLast(MaxSamples).Select(s => s!.DeepClone()).ToArray();
            try
            {
                PrivateFile.Write(path, stream =>
                {
                    using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                    new JsonObject { ["version"] = 1, ["samples"] = new JsonArray(kept) }.WriteTo(writer);
                });
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                warn($"The Go quota history '{path}' could not be written: {ex.Message}");
            }
        }
    }

    /// <summary>Every kept reading, oldest first, reconciled with the local spend.</summary>
    public static IReadOnlyList<GoQuotaSample> Read(Func<string, string?> environment)
    {
        List<JsonNode?> raw;
        lock (Gate)
        {
            raw = ReadRaw(PathFor(environment));
        }

        var samples = raw.Select(Parse).OfType<GoQuotaSample>().OrderBy(s => s.Time).ToList();
        return Reconcile(samples);
    }

    /// <summary>
    /// Each reading's implied limit and its range under the percent's resolution, and whether that range still
    /// meets the ranges of the earlier readings of the same window (same window, same reset).
    /// </summary>
    public static IReadOnlyList<GoQuotaSample> Reconcile(IReadOnlyList<GoQuotaSample> samples)
    {
        var ranges = new Dictionary<(GoQuotaWindow, DateTimeOffset?), (decimal Low, decimal High)>();
        var result = new List<GoQuotaSample>(samples.Count);
        foreach (var s in samples)
        {
            if (s.LocalCost is not { } cost || cost <= 0 || s.PercentUsed <= 0)
            {
                result.Add(s);
                continue;
            }

            var low = cost * 100 / (s.PercentUsed + Resolution);
            decimal? high = s.PercentUsed > Resolution ? cost * 100 / (s.PercentUsed - Resolution) : null;
            var key = (s.Window, s.ResetsAt is { } r ? new DateTimeOffset(r.UtcTicks - r.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero) : (DateTimeOffset?)null);
            var disagrees = false;
            var range = (Low: low, High: high ?? decimal.MaxValue);
            if (ranges.TryGetValue(key, out var known))
            {
                var meet = (Low: Math.Max(known.Low, range.Low), High: Math.Min(known.High, range.High));
                disagrees = meet.Low > meet.High;
                // A disagreeing reading starts the comparison afresh: later readings are compared with it.
                range = disagrees ? range : meet;
            }

            ranges[key] = range;
            result.Add(new GoQuotaSample
            {
                Time = s.Time, Window = s.Window, PercentUsed = s.PercentUsed, WindowStart = s.WindowStart, ResetsAt = s.ResetsAt,
                LocalCost = cost, WorkspaceId = s.WorkspaceId,
                DollarsPerPercent = Math.Round(cost / s.PercentUsed, 6),
                ImpliedLimit = Math.Round(cost * 100 / s.PercentUsed, 4),
                ImpliedLimitLow = Math.Round(low, 4),
                ImpliedLimitHigh = high is { } h ? Math.Round(h, 4) : null,
                Disagrees = disagrees,
            });
        }

        return result;
    }

    private static GoQuotaSample? Parse(JsonNode? node)
    {
        try
        {
            if (node is not JsonObject o || Time(o) is not { } time || !Enum.TryParse<GoQuotaWindow>(o["window"]?.GetValue<string>(), out var window))
            {
                return null;
            }

            return new GoQuotaSample
            {
                Time = time,
                Window = window,
                PercentUsed = o["percent"]?.GetValue<decimal>() ?? 0,
                WindowStart = Instant(o["windowStart"]),
                ResetsAt = Instant(o["resetsAt"]),
                LocalCost = o["localCost"]?.GetValue<decimal>(),
                WorkspaceId = o["workspaceId"]?.GetValue<string>(),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return null; // one damaged reading is left out, not the history
        }
    }

    private static DateTimeOffset? Time(JsonNode? sample) => sample is JsonObject o ? Instant(o["time"]) : null;

    private static DateTimeOffset? Instant(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static List<JsonNode?> ReadRaw(string path)
    {
        try
        {
            return File.Exists(path) && JsonNode.Parse(RegularFile.ReadOwn(path, RegularFile.ConfigCap))?["samples"] is JsonArray samples
                ? samples.Select(s => s?.DeepClone()).ToList()
                : [];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or OpenCodeUsageException)
        {
            // A damaged or unreadable history only loses the readings so far; the next write replaces it.
            return [];
        }
    }
}
