using System.Globalization;
using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;
using Xunit;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Go;

/// <summary>The whole quota check: which credential, which source, and the local figures beside OpenCode's.</summary>
public sealed class GoQuotaReportTests
{
    private static IReadOnlyList<GoQuota> Get(TempHome home, LoopbackServer server, ReadDiagnostics diagnostics, string? cookiePath = null,
        IReadOnlyList<string>? dataPaths = null, List<string>? said = null) =>
        GoQuotaReport.Get(
            new GoQuotaQuery { BaseUri = server.BaseUri, CookiePath = cookiePath, Directory = home.ProjectSubfolder, DataPaths = dataPaths ?? [RepoPaths.DataDir("oc-1.18.33")] },
            home.Environment, diagnostics, new ActivityLog { Verbose = said is null ? null : said.Add, Debug = said is null ? null : said.Add },
            GoUsageHttpTests.Fast, CancellationToken.None);

    [Fact]
    public void With_an_API_key_the_official_endpoint_answers_one_row_per_window()
    {
        using var home = CredentialSetup.Create();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var said = new List<string>();
        var rows = Get(home, server, new ReadDiagnostics(), said: said);
        Assert.Equal([GoQuotaWindow.Rolling, GoQuotaWindow.Weekly, GoQuotaWindow.Monthly], rows.Select(r => r.Window));
        Assert.All(rows, r => Assert.Equal(GoQuotaSource.Api, r.Source));
        Assert.All(rows, r => Assert.Equal("wrk_api", r.WorkspaceId));
        Assert.Equal("Bearer " + OpenCodeApiKey, Assert.Single(server.Requests).Header("Authorization"));
        Assert.Contains(said, s => s.Contains("API key from OPENCODE_API_KEY", StringComparison.Ordinal));
        Assert.Contains(said, s => s.StartsWith("GET ", StringComparison.Ordinal));
        Assert.Empty(LeakedIn(string.Join("\n", said)));
    }

    [Fact]
    public void Without_a_key_the_cookie_is_used_and_with_CookiePath_the_key_is_passed_over()
    {
        using var home = new TempHome();
        home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_page","authCookie":"{{AuthCookie}}"}""");
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        var rows = Get(home, server, new ReadDiagnostics());
        Assert.All(rows, r => Assert.Equal(GoQuotaSource.Cookie, r.Source));
        Assert.Equal("auth=" + AuthCookie, server.Requests[0].Header("Cookie"));

        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        var other = home.Write("elsewhere/go.json", $$"""{"workspaceId":"wrk_page","authCookie":"{{AuthGoKey}}"}""");
        Get(home, server, new ReadDiagnostics(), cookiePath: other);
        Assert.Equal("auth=" + AuthGoKey, server.Requests[^1].Header("Cookie"));
        Assert.DoesNotContain(server.Requests, r => r.Header("Authorization") is not null);
    }

    [Fact]
    public void Neither_key_nor_cookie_is_GoCookieNeeded_naming_both()
    {
        using var home = new TempHome();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var ex = Assert.Throws<OpenCodeUsageException>(() => Get(home, server, new ReadDiagnostics()));
        Assert.Equal("GoCookieNeeded", ex.ErrorId);
        Assert.Contains("OPENCODE_API_KEY", ex.Message);
        Assert.Contains("Set-OpenCodeGoCookie", ex.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void A_plain_http_base_fails_before_any_credential_is_read()
    {
        using var home = CredentialSetup.Create();
        File.WriteAllText(home.AuthJson, "{ broken");
        var diagnostics = new ReadDiagnostics();
        var ex = Assert.Throws<OpenCodeUsageException>(() => GoQuotaReport.Get(
            new GoQuotaQuery { BaseUri = new Uri("http://opencode.ai") }, home.Environment, diagnostics, ActivityLog.None, CancellationToken.None));
        Assert.Equal("GoBaseUriInvalid", ex.ErrorId);
        Assert.Empty(diagnostics.Failures);
    }

    [Fact]
    public void Local_spend_is_the_opencode_go_cost_since_each_window_began()
    {
        using var data = new TempDataSet("oc-1.18.33");
        // The whole data set moves in time so its newest message is 10 minutes old, and every assistant message
        // becomes an opencode-go one. All times shift alike, so forks are still told apart and the oracle's total holds.
        var newest = long.Parse(data.Scalar("SELECT max(json_extract(data,'$.time.created')) FROM message"), CultureInfo.InvariantCulture);
        var shift = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() - newest;
        data.Execute($"""
            UPDATE message SET time_created = time_created + {shift}, time_updated = time_updated + {shift},
                data = json_set(data, '$.time.created', json_extract(data, '$.time.created') + {shift});
            UPDATE message SET data = json_set(data, '$.providerID', 'opencode-go') WHERE json_extract(data, '$.role') = 'assistant';
            UPDATE session SET time_created = time_created + {shift}, time_updated = time_updated + {shift};
            UPDATE part SET time_created = time_created + {shift}, time_updated = time_updated + {shift};
            """);
        var total = ExpectedUsage.Load("oc-1.18.33").Single(e => e.Grouping == "total").Cost;

        var now = DateTimeOffset.UtcNow;
        string At(DateTimeOffset t) => t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
        // The rolling window began a minute ago (after every message); the weekly and monthly ones, days ago.
        var body = $$"""
            {"usage":{"rolling":{"status":"ok","percent":0,"resetsAt":"{{At(now.AddHours(5).AddMinutes(-1))}}"},
                      "weekly":{"status":"ok","percent":20,"resetsAt":"{{At(now.AddDays(5))}}"},
                      "monthly":{"status":"ok","percent":4,"resetsAt":"{{At(now.AddDays(10))}}"} } }
            """;
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, body));
        var diagnostics = new ReadDiagnostics();
        var rows = Get(home, server, diagnostics, dataPaths: [data.DataDir]).ToDictionary(r => r.Window);
        Assert.Empty(diagnostics.Failures);

        var rolling = rows[GoQuotaWindow.Rolling];
        Assert.Equal(0m, rolling.LocalCost);
        Assert.Null(rolling.DollarsPerPercent);
        Assert.Null(rolling.TimeToLimit);

        var weekly = rows[GoQuotaWindow.Weekly];
        Assert.InRange(Math.Abs(weekly.LocalCost!.Value - total), 0m, 1e-9m);
        Assert.InRange(Math.Abs(weekly.DollarsPerPercent!.Value - total / 20), 0m, 1e-6m);
        Assert.Equal(now.AddDays(5).AddDays(-7), weekly.WindowStart!.Value, TimeSpan.FromSeconds(5));
        // 20% in the two days since the window began: 80% more takes four times as long.
        Assert.InRange(weekly.TimeToLimit!.Value, TimeSpan.FromDays(8) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(8) + TimeSpan.FromMinutes(1));

        var monthly = rows[GoQuotaWindow.Monthly];
        Assert.Equal(now.AddDays(10).AddMonths(-1), monthly.WindowStart!.Value, TimeSpan.FromSeconds(5));
        Assert.InRange(Math.Abs(monthly.LocalCost!.Value - total), 0m, 1e-9m);
    }

    [Fact]
    public void Without_local_data_the_quota_still_comes_with_LocalCost_empty_and_a_warning()
    {
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var diagnostics = new ReadDiagnostics();
        var rows = Get(home, server, diagnostics, dataPaths: []);
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Null(r.LocalCost));
        Assert.Contains("LocalCost is empty", Assert.Single(diagnostics.Warnings));
    }

    [Theory]
    [InlineData(50, 2, 2)]
    [InlineData(25, 1, 3)]
    [InlineData(100, 1, 0)]
    [InlineData(120, 1, 0)]
    public void Time_to_limit_extrapolates_the_average_rate_since_the_window_began(int percent, int hoursElapsed, int hoursLeft)
    {
        var now = DateTimeOffset.UnixEpoch.AddYears(50);
        Assert.Equal(TimeSpan.FromHours(hoursLeft), LocalSpend.TimeToLimit(percent, now.AddHours(-hoursElapsed), now));
        Assert.Null(LocalSpend.TimeToLimit(0, now.AddHours(-1), now));
        Assert.Null(LocalSpend.TimeToLimit(10, null, now));
    }
}
