using System.Text.Json;
using OpenCodeUsage.Stats;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Stats;

/// <summary>The GNOME extension's stats.json from real data: its shape, our accounting (fork copies once), atomic writes.</summary>
public sealed class GnomeStatsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-stats-").FullName;
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonElement Compute(StatsQuery query) =>
        JsonDocument.Parse(GnomeStats.Compute(query, TestEnvironment.Isolated, new ReadDiagnostics(), CancellationToken.None)).RootElement;

    private static IReadOnlyList<UsageSummary> Usage(UsageGrouping grouping, TimeZoneInfo zone) => UsageReport.Summarize(
        new UsageQuery { DataPaths = [Data], GroupBy = [grouping], TimeZone = zone }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None);

    [Fact]
    public void Sections_have_the_fields_the_extension_reads()
    {
        var root = Compute(new StatsQuery { DataPaths = [Data] });
        string[] common = ["totalTokens", "tokensByModel", "totalCost", "costsByModel"];
        Assert.Equal([.. common, "lastActivity", "startTime", "isIdle", "idleSince"], root.GetProperty("session").EnumerateObject().Select(p => p.Name));
        Assert.Equal([.. common, "date"], root.GetProperty("daily").EnumerateObject().Select(p => p.Name));
        Assert.Equal([.. common, "installDate"], root.GetProperty("total").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Totals_are_the_modules_accounting_with_fork_copies_counted_once()
    {
        var root = Compute(new StatsQuery { DataPaths = [Data] });
        var byModel = Usage(UsageGrouping.Model, TimeZoneInfo.Utc);
        var total = root.GetProperty("total");
        Assert.Equal(byModel.Sum(r => r.TotalTokens), total.GetProperty("totalTokens").GetInt64());
        Assert.Equal(byModel.Sum(r => r.Cost), total.GetProperty("totalCost").GetDecimal());
        foreach (var row in byModel)
        {
            Assert.Equal(row.TotalTokens, total.GetProperty("tokensByModel").GetProperty(row.ModelId!).GetInt64());
            Assert.Equal(row.Cost, total.GetProperty("costsByModel").GetProperty(row.ModelId!).GetDecimal());
        }

        // OpenCode's own stats count the fork's copies again: ours are lower by exactly those.
        var withCopies = UsageReport.Summarize(new UsageQuery { DataPaths = [Data], GroupBy = [UsageGrouping.Model], IncludeForkCopies = true },
            TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None).Sum(r => r.TotalTokens);
        Assert.True(withCopies > total.GetProperty("totalTokens").GetInt64());
    }

    [Fact]
    public void Daily_is_today_in_the_zone_and_the_session_is_the_latest_one()
    {
        var zone = TimeZoneInfo.Utc;
        var days = Usage(UsageGrouping.Day, zone);
        var day = days[^1];
        var now = new DateTimeOffset(day.Date!.Value.AddHours(23), TimeSpan.Zero);
        var root = Compute(new StatsQuery { DataPaths = [Data], TimeZone = zone, Now = now, IdleAfter = TimeSpan.FromMinutes(15) });
        Assert.Equal(day.Date.Value.ToString("yyyy-MM-dd"), root.GetProperty("daily").GetProperty("date").GetString());
        Assert.Equal(day.TotalTokens, root.GetProperty("daily").GetProperty("totalTokens").GetInt64());

        var sessions = Usage(UsageGrouping.Session, zone);
        var session = root.GetProperty("session");
        Assert.Contains(sessions, s => s.TotalTokens == session.GetProperty("totalTokens").GetInt64());
        Assert.True(session.GetProperty("isIdle").GetBoolean());
        Assert.Equal(session.GetProperty("lastActivity").GetInt64() + 15 * 60_000, session.GetProperty("idleSince").GetInt64());
        Assert.True(session.GetProperty("startTime").GetInt64() <= session.GetProperty("lastActivity").GetInt64());
        Assert.True(root.GetProperty("total").GetProperty("installDate").GetInt64() <= session.GetProperty("startTime").GetInt64());
    }

    [Fact]
    public void A_watched_session_that_is_active_is_not_idle_and_has_no_idleSince()
    {
        var sessions = Usage(UsageGrouping.Session, TimeZoneInfo.Utc);
        var now = DateTimeOffset.UtcNow;
        var root = Compute(new StatsQuery { DataPaths = [Data], CurrentSessionId = sessions[0].SessionId, LastActivity = now.AddMinutes(-1), Now = now });
        var session = root.GetProperty("session");
        Assert.Equal(sessions[0].TotalTokens, session.GetProperty("totalTokens").GetInt64());
        Assert.False(session.GetProperty("isIdle").GetBoolean());
        Assert.False(session.TryGetProperty("idleSince", out _));
        Assert.Equal(now.AddMinutes(-1).ToUnixTimeMilliseconds(), session.GetProperty("lastActivity").GetInt64());
    }

    [Fact]
    public void Writing_replaces_the_file_whole_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(_dir, "nested", "stats.json");
        GnomeStats.Write(path, "{\"old\":true}"u8.ToArray());
        GnomeStats.Write(path, "{\"new\":true}"u8.ToArray());
        Assert.Equal("{\"new\":true}", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
        Assert.Equal(Path.Combine("/home/u", ".local", "share", "opencode", "stats.json"), GnomeStats.DefaultPath(n => n == "HOME" ? "/home/u" : null));
    }

    [Fact]
    public void A_file_that_cannot_be_written_fails_with_a_stable_id()
    {
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "x");
        var failure = Assert.Throws<OpenCodeUsageException>(() => GnomeStats.Write(Path.Combine(blocker, "stats.json"), [1]));
        Assert.Equal("StatsWriteFailed", failure.ErrorId);
    }
}
