using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace OpenCodeUsage.Go;

/// <summary>
/// Reads the two shapes OpenCode has reported Go usage in: the usage endpoint's JSON
/// ({usage:{rolling|weekly|monthly:{status,percent,resetsAt}}}) and the console page's server-rendered data
/// (rollingUsage/weeklyUsage/monthlyUsage with usagePercent and resetInSec, in Solid's hydration script or as JSON).
/// A window that is missing or has no usable percent is left out; no window at all is null.
/// </summary>
internal static partial class GoUsageParser
{
    private const double MaxResetSeconds = 100 * 365.25 * 24 * 3600;

    private static readonly (string Name, GoQuotaWindow Window)[] Windows =
        [("rolling", GoQuotaWindow.Rolling), ("weekly", GoQuotaWindow.Weekly), ("monthly", GoQuotaWindow.Monthly)];

    // rollingUsage:$R[28]={status:"ok",resetInSec:17591,usagePercent:12} or "rollingUsage":{"usagePercent":12,...}
    [GeneratedRegex("""(?<name>rolling|weekly|monthly)Usage"?\s*:\s*(?:\$R\[\d+\]\s*=\s*)?\{(?<body>[^{}]*)\}""")]
    private static partial Regex PageWindow();

    [GeneratedRegex("""(?<key>[A-Za-z_]+)"?\s*:\s*(?:"(?<text>[^"]*)"|(?<number>-?\d+(?:\.\d+)?))""")]
    private static partial Regex PageField();

    public static GoUsage? ParseApi(byte[] body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            try
            {
                return ReadApi(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                return null; // a string that is not valid UTF-8: the answer cannot be read, like one that is not JSON
            }
        }
    }

    private static GoUsage? ReadApi(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var readings = new List<GoReading>();
        foreach (var (name, window) in Windows)
        {
            if (usage.TryGetProperty(name, out var w) && w.ValueKind == JsonValueKind.Object && Number(w, "percent") is { } percent)
            {
                var status = w.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                readings.Add(new GoReading(window, percent, Status(status, percent), Instant(w, "resetsAt")));
            }
        }

        var workspace = root.TryGetProperty("workspaceID", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        return readings.Count == 0 ? null : new GoUsage(GoQuotaSource.Api, workspace, readings);
    }

    public static GoUsage? ParsePage(byte[] body, string workspaceId, DateTimeOffset now)
    {
        var html = Encoding.UTF8.GetString(body);
        var readings = new List<GoReading>();
        foreach (Match match in PageWindow().Matches(html))
        {
            var window = Windows.Single(w => w.Name == match.Groups["name"].Value).Window;
            if (readings.Exists(r => r.Window == window))
            {
                continue;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match field in PageField().Matches(match.Groups["body"].Value))
            {
                // A field given twice keeps its first value: a damaged page must not crash the read.
                fields.TryAdd(field.Groups["key"].Value, field.Groups["number"].Success ? field.Groups["number"].Value : field.Groups["text"].Value);
            }
            if (!fields.TryGetValue("usagePercent", out var p) || !decimal.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
            {
                continue;
            }

            // A reset beyond a century is no reset time (and past DateTimeOffset's range it would throw).
            DateTimeOffset? resets = fields.TryGetValue("resetInSec", out var r) && double.TryParse(r, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                                     && Math.Abs(seconds) < MaxResetSeconds
                ? now.AddSeconds(seconds)
                : null;
            readings.Add(new GoReading(window, percent, Status(fields.GetValueOrDefault("status"), percent), resets));
        }

        return readings.Count == 0 ? null : new GoUsage(GoQuotaSource.Cookie, workspaceId, readings.OrderBy(r => r.Window).ToList());
    }

    private static GoQuotaStatus Status(string? status, decimal percent) => status switch
    {
        "rate-limited" => GoQuotaStatus.RateLimited,
        "ok" => GoQuotaStatus.Ok,
        _ => percent >= 100 ? GoQuotaStatus.RateLimited : GoQuotaStatus.Ok,
    };

    private static decimal? Number(JsonElement element, string name) =>
        !element.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var d) ? d
        : value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s
        : null;

    /// <summary>An ISO 8601 string, or epoch seconds (or milliseconds, when that large).</summary>
    private static DateTimeOffset? Instant(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return parsed;
        }

        // Beyond year 9999 (or before 1970) is no reset time, and DateTimeOffset would throw on it.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var epoch) && epoch is >= 0 and <= 253_402_300_799_999)
        {
            return epoch > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(epoch) : DateTimeOffset.FromUnixTimeSeconds(epoch);
        }

        return null;
    }
}
