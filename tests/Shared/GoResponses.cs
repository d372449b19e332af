namespace OpenCodeUsage.Tests;

/// <summary>What OpenCode answers about Go usage, in the shapes it has used (see /work/shared/opencode-data.md).</summary>
internal static class GoResponses
{
    /// <summary>GET /zen/go/v1/usage: percent as a number, a numeric string; resetsAt as ISO 8601 and as epoch seconds.</summary>
    public const string Api = """
        {"workspaceID":"wrk_api","userID":"usr_1","usage":{
          "rolling":{"status":"ok","percent":42,"resetsAt":"2026-11-27T15:00:00.000Z"},
          "weekly":{"status":"ok","percent":"12","resetsAt":"2026-11-30T00:00:00Z"},
          "monthly":{"status":"rate-limited","percent":100,"resetsAt":1798761600}}}
        """;

    /// <summary>The console's Go page as it was rendered on the server: Solid's hydration script.</summary>
    public const string Page = """
        <!doctype html><html><body><script>_$HY.r["lite.subscription.get[\"wrk_page\"]"]=$R[17];
        $R[24]($R[18],$R[27]={mine:!0,useBalance:!1,rollingUsage:$R[28]={status:"ok",resetInSec:3600,usagePercent:12},
        weeklyUsage:$R[29]={status:"ok",resetInSec:86400,usagePercent:30.5},monthlyUsage:$R[30]={status:"rate-limited",resetInSec:600,usagePercent:100}});</script></body></html>
        """;

    /// <summary>The console's Go page since late 2026: a client-side shell without usage.</summary>
    public const string Shell = """<!doctype html><div id="app"></div><script type="module" src="/assets/entry.js"></script>""";

    public const string Unauthorized = """{"type":"AuthError","message":"Invalid API key."}""";

    public const string NotEntitled = """{"type":"EntitlementError","message":"No Go subscription"}""";
}
