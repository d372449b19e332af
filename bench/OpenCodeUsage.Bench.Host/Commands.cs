using System.Management.Automation;

namespace OpenCodeUsage.Bench.Host;

/// <summary>The module commands the benchmark times, built the same way in every mode.</summary>
internal static class Commands
{
    /// <summary>The daily report; <paramref name="noCache"/> only where the module has -NoCache.</summary>
    public static Action<PowerShell> DailyUsage(string data, bool noCache, string? timeZone = null) => Usage(data, "Day", noCache, timeZone);

    /// <summary>The report grouped by <paramref name="groupBy"/>: another question than the daily one the cache may have kept.</summary>
    public static Action<PowerShell> Usage(string data, string groupBy, bool noCache, string? timeZone = null) => ps =>
    {
        ps.AddCommand("Get-OpenCodeUsage").AddParameter("GroupBy", groupBy).AddParameter("DataPath", new[] { data });
        if (noCache)
        {
            ps.AddParameter("NoCache");
        }

        if (timeZone is not null)
        {
            ps.AddParameter("TimeZone", timeZone);
        }
    };

    public static Action<PowerShell> Sessions(string data) => ps =>
        ps.AddCommand("Get-OpenCodeSession").AddParameter("DataPath", new[] { data });

    /// <summary>-NoCache arrives with the lead's cache work; until then every call reads everything anyway.</summary>
    public static bool SupportsNoCache(Engine engine) => engine.HasParameter("Get-OpenCodeUsage", "NoCache");
}
