using OpenCodeUsage.IO;
using System.Globalization;
using System.Text.Json;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;

namespace OpenCodeUsage.Stats;

/// <summary>
/// The stats file the GNOME "OpenCode statistics" extension reads (~/.local/share/opencode/stats.json, written
/// until now by its own OpenCode plugin): session, daily and total sections with tokens and cost per model.
/// Computed from the module's accounting (a fork's copied history counted once), written atomically.
/// </summary>
public static class GnomeStats
{
    /// <summary>Where the extension looks: ~/.local/share/opencode/stats.json under HOME (not XDG_DATA_HOME).</summary>
    public static string DefaultPath(Func<string, string?> environment)
    {
        var home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "opencode", "stats.json");
    }

    /// <summary>The file's JSON, indented as the plugin writes it.</summary>
    public static byte[] Compute(StatsQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics, CancellationToken cancellationToken)
    {
        var today = TimeZoneInfo.ConvertTime(query.Now, query.TimeZone).Date;
        var total = new Section();
        var daily = new Section();
        var sessions = new Dictionary<string, (Section Section, long Created, long Last)>(StringComparer.Ordinal);
        long firstUse = long.MaxValue;
        string? latest = null;
        long latestAt = long.MinValue;
        var usage = new UsageQuery { DataPaths = query.DataPaths, NoCache = query.NoCache, TimeZone = query.TimeZone };
        UsageScan.Run(usage, environment, diagnostics, null, m =>
        {
            var row = m.Row;
            total.Add(row);
            if (TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(row.Created), query.TimeZone).Date == today)
            {
                daily.Add(row);
            }

            if (!sessions.TryGetValue(m.Session.Id, out var s))
            {
                s = (new Section(), m.Session.Created, 0);
            }

            s.Section.Add(row);
            sessions[m.Session.Id] = (s.Section, s.Created, Math.Max(s.Last, row.Created));
            firstUse = Math.Min(firstUse, Math.Min(row.Created, m.Session.Created));
            if (row.Created > latestAt)
            {
                latestAt = row.Created;
                latest = m.Session.Id;
            }
        }, cancellationToken);

        var current = query.CurrentSessionId ?? latest;
        var (section, started, last) = current is not null && sessions.TryGetValue(current, out var found)
            ? found : (new Section(), query.Now.ToUnixTimeMilliseconds(), 0L);
        if (query.LastActivity is { } seen)
        {
            last = Math.Max(last, seen.ToUnixTimeMilliseconds());
        }

        if (last == 0)
        {
            last = started;
        }

        var idle = query.IsIdle ?? query.Now.ToUnixTimeMilliseconds() - last >= (long)query.IdleAfter.TotalMilliseconds;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("session");
            section.Write(json);
            json.WriteNumber("lastActivity", last);
            json.WriteNumber("startTime", started);
            json.WriteBoolean("isIdle", idle);
            if (idle)
            {
                json.WriteNumber("idleSince", last + (long)query.IdleAfter.TotalMilliseconds);
            }

            json.WriteEndObject();
            json.WriteStartObject("daily");
            daily.Write(json);
            json.WriteString("date", today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteEndObject();
            json.WriteStartObject("total");
            total.Write(json);
            json.WriteNumber("installDate", firstUse == long.MaxValue ? query.Now.ToUnixTimeMilliseconds() : firstUse);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Replaces <paramref name="path"/> atomically: a temporary file beside it, then a rename, so the extension
    /// (which reads on every change) never sees half a file.
    /// </summary>
    public static void Write(string path, byte[] content) => AtomicFile.Write(path, content, "StatsWriteFailed");

    /// <summary>Tokens and cost, in all and per model id (the extension keys models by OpenCode's modelID).</summary>
    private sealed class Section
    {
        private readonly SortedDictionary<string, (long Tokens, decimal Cost)> _models = new(StringComparer.Ordinal);
        private long _tokens;
        private decimal _cost;

        public void Add(in Digest.AssistantRow row)
        {
            var cost = TokenTotals.ToDecimal(row.Cost);
            _tokens += row.Total;
            _cost += cost;
            var model = row.ModelId ?? "unknown";
            var (tokens, modelCost) = _models.GetValueOrDefault(model);
            _models[model] = (tokens + row.Total, modelCost + cost);
        }

        public void Write(Utf8JsonWriter json)
        {
            json.WriteNumber("totalTokens", _tokens);
            json.WriteStartObject("tokensByModel");
            foreach (var (model, (tokens, _)) in _models)
            {
                json.WriteNumber(model, tokens);
            }

            json.WriteEndObject();
            json.WriteNumber("totalCost", _cost);
            json.WriteStartObject("costsByModel");
            foreach (var (model, (_, cost)) in _models)
            {
                json.WriteNumber(model, cost);
            }

            json.WriteEndObject();
        }
    }
}
