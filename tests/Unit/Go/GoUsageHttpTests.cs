using System.Diagnostics;
using System.Text;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Go;
using Xunit;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Go;

/// <summary>Real HttpClient traffic against a loopback server: every answer OpenCode gives, and every way a transport fails.</summary>
public sealed class GoUsageHttpTests
{
    /// <summary>The real limits, with short waits between retries.</summary>
    internal static readonly GoHttpSettings Fast = GoHttpSettings.Default with { FirstBackoff = TimeSpan.FromMilliseconds(10), LongestRetryAfter = TimeSpan.FromSeconds(2) };

    /// <summary>For the timeout tests: a deadline short enough to wait for.</summary>
    private static readonly GoHttpSettings Impatient = Fast with { Timeout = TimeSpan.FromMilliseconds(700) };

    private static readonly FoundCredential Key = new("opencode", CredentialType.Api, CredentialOrigin.Environment, "OPENCODE_API_KEY", OpenCodeApiKey);
    private static readonly GoCookie Cookie = new("wrk_page", TestSecrets.AuthCookie, "/home/u/.config/OpenCodeUsage/opencode-go.json#authCookie");

    private static GoUsage Api(LoopbackServer server, GoHttpSettings? settings = null, FoundCredential? key = null, CancellationToken cancellationToken = default)
    {
        using var http = new GoHttp(server.BaseUri, settings ?? Fast, ActivityLog.None);
        return GoUsageClient.FromApi(http, key ?? Key, cancellationToken);
    }

    private static GoUsage Page(LoopbackServer server, DateTimeOffset now)
    {
        using var http = new GoHttp(server.BaseUri, Fast, ActivityLog.None);
        return GoUsageClient.FromCookie(http, Cookie, now, CancellationToken.None);
    }

    private static OpenCodeUsageException Fails(Func<object> call)
    {
        var ex = Assert.Throws<OpenCodeUsageException>(call);
        Assert.Empty(LeakedIn(ex.ToString()));
        return ex;
    }

    [Fact]
    public void The_usage_endpoint_is_asked_with_the_Bearer_key_and_its_three_windows_read()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var usage = Api(server);
        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/zen/go/v1/usage", request.Path);
        Assert.Equal("Bearer " + OpenCodeApiKey, request.Header("Authorization"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.StartsWith("OpenCodeUsage/", request.Header("User-Agent"));
        Assert.Null(request.Header("Cookie"));

        Assert.Equal(GoQuotaSource.Api, usage.Source);
        Assert.Equal("wrk_api", usage.WorkspaceId);
        Assert.Equal(
            [
                new GoReading(GoQuotaWindow.Rolling, 42, GoQuotaStatus.Ok, DateTimeOffset.Parse("2026-11-27T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
                new GoReading(GoQuotaWindow.Weekly, 12, GoQuotaStatus.Ok, DateTimeOffset.Parse("2026-11-30T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)),
                new GoReading(GoQuotaWindow.Monthly, 100, GoQuotaStatus.RateLimited, DateTimeOffset.FromUnixTimeSeconds(1798761600)),
            ],
            usage.Windows);
    }

    [Fact]
    public void Missing_windows_are_left_out_and_a_base_path_is_kept()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, """{"usage":{"weekly":{"percent":100},"rolling":{"percent":"n/a"}}}"""));
        using var http = new GoHttp(new Uri(server.BaseUri, "proxy/opencode"), Fast, ActivityLog.None);
        var usage = GoUsageClient.FromApi(http, Key, CancellationToken.None);
        Assert.Equal("/proxy/opencode/zen/go/v1/usage", Assert.Single(server.Requests).Path);
        var weekly = Assert.Single(usage.Windows);
        Assert.Equal(GoQuotaWindow.Weekly, weekly.Window);
        Assert.Equal(GoQuotaStatus.RateLimited, weekly.Status); // no status given: 100% is the limit
        Assert.Null(weekly.ResetsAt);
    }

    [Theory]
    [InlineData("""{"usage":{}}""")]
    [InlineData("""{"workspaceID":"wrk_1"}""")]
    [InlineData("""<html>Sign in</html>""")]
    [InlineData("")]
    public void An_answer_without_usage_is_GoQuotaUnavailable(string body)
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, body));
        var ex = Fails(() => Api(server));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Equal(FailureKind.Unavailable, ex.Kind);
        Assert.Contains("without the expected usage JSON", ex.Message);
    }

    [Fact]
    public void Unauthorized_is_GoAuthFailed_naming_where_the_key_came_from()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(401, GoResponses.Unauthorized));
        var ex = Fails(() => Api(server));
        Assert.Equal("GoAuthFailed", ex.ErrorId);
        Assert.Equal(FailureKind.AuthenticationFailed, ex.Kind);
        Assert.Equal("OPENCODE_API_KEY", ex.Target);
        Assert.Contains("OPENCODE_API_KEY", ex.Message);
        Assert.Single(server.Requests); // not retried
    }

    [Fact]
    public void Forbidden_with_EntitlementError_is_GoNotSubscribed_and_otherwise_GoAuthFailed()
    {
        using (var server = LoopbackServer.Sequence(LoopbackResponse.Json(403, GoResponses.NotEntitled)))
        {
            var ex = Fails(() => Api(server));
            Assert.Equal("GoNotSubscribed", ex.ErrorId);
            Assert.Equal(FailureKind.PermissionDenied, ex.Kind);
        }

        using (var server = LoopbackServer.Sequence(LoopbackResponse.Json(403, """{"type":"Forbidden"}""")))
        {
            Assert.Equal("GoAuthFailed", Fails(() => Api(server)).ErrorId);
        }
    }

    [Theory]
    [InlineData(404)]
    [InlineData(400)]
    [InlineData(418)]
    public void Other_client_errors_are_GoQuotaUnavailable_without_a_retry(int status)
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(status, "{}"));
        var ex = Fails(() => Api(server));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains($"answered {status}", ex.Message);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(425)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public void Transient_answers_are_retried_with_backoff(int status)
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(status, "{}"), LoopbackResponse.Json(status, "{}"), LoopbackResponse.Json(200, GoResponses.Api));
        var said = new List<string>();
        using var http = new GoHttp(server.BaseUri, Fast, new ActivityLog { Verbose = said.Add });
        var usage = GoUsageClient.FromApi(http, Key, CancellationToken.None);
        Assert.Equal(3, usage.Windows.Count);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(2, said.Count(s => s.Contains($"answered {status}; retrying", StringComparison.Ordinal)));
        Assert.All(server.Requests, r => Assert.Equal("Bearer " + OpenCodeApiKey, r.Header("Authorization")));
    }

    [Fact]
    public void A_server_that_keeps_failing_is_GoQuotaUnavailable_after_the_last_attempt()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(503, "{}"));
        var ex = Fails(() => Api(server));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains("answered 503 ServiceUnavailable 3 times", ex.Message);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public void Retry_After_is_honoured_and_a_long_one_ends_the_retries()
    {
        using (var server = LoopbackServer.Sequence(LoopbackResponse.Json(429, "{}", ("Retry-After", "1")), LoopbackResponse.Json(200, GoResponses.Api)))
        {
            var clock = Stopwatch.StartNew();
            Api(server);
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}");
            Assert.Equal(2, server.Requests.Count);
        }

        using (var server = LoopbackServer.Sequence(LoopbackResponse.Json(429, "{}", ("Retry-After", "3600")), LoopbackResponse.Json(200, GoResponses.Api)))
        {
            var ex = Fails(() => Api(server));
            Assert.Contains("retry after 3600 s", ex.Message);
            Assert.Single(server.Requests);
        }
    }

    [Fact]
    public void A_server_that_never_answers_times_out_without_retrying()
    {
        using var server = new LoopbackServer(_ => new LoopbackResponse { Hang = true });
        var clock = Stopwatch.StartNew();
        var ex = Fails(() => Api(server, Impatient));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains("did not answer within 0.7 s", ex.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(5));
        Assert.Single(server.Requests);
    }

    [Fact]
    public void A_body_that_stalls_halfway_meets_the_same_deadline()
    {
        using var server = new LoopbackServer(_ => new LoopbackResponse { Body = Encoding.UTF8.GetBytes(GoResponses.Api), StallBody = true });
        var clock = Stopwatch.StartNew();
        Assert.Contains("did not answer within", Fails(() => Api(server, Impatient)).Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_default_deadline_is_10_seconds_and_the_cap_1_MiB()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), GoHttpSettings.Default.Timeout);
        Assert.Equal(1024 * 1024, GoHttpSettings.Default.MaxResponseBytes);
        Assert.Equal(3, GoHttpSettings.Default.MaxAttempts);
    }

    [Fact]
    public void Cancelling_stops_a_waiting_request_as_a_cancellation_not_a_failure()
    {
        using var server = new LoopbackServer(_ => new LoopbackResponse { Hang = true });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => Api(server, Fast with { Timeout = TimeSpan.FromSeconds(10) }, cancellationToken: cancel.Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_response_over_1_MiB_is_refused_whether_or_not_it_says_its_length(bool chunked)
    {
        var big = new byte[(1 << 20) + 1];
        Array.Fill(big, (byte)' ');
        using var server = new LoopbackServer(_ => new LoopbackResponse { Body = big, Chunked = chunked });
        var ex = Fails(() => Api(server));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains("1048576 bytes", ex.Message);
    }

    [Fact]
    public void A_response_of_exactly_1_MiB_is_read()
    {
        var body = Encoding.UTF8.GetBytes(GoResponses.Api.PadRight(1 << 20));
        Assert.Equal(1 << 20, body.Length);
        using var server = new LoopbackServer(_ => new LoopbackResponse { Body = body, Chunked = true });
        Assert.Equal(3, Api(server).Windows.Count);
    }

    [Fact]
    public void A_redirect_to_another_host_is_not_followed_so_the_key_stays_home()
    {
        using var elsewhere = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        // Another port is another origin: the key must not go there.
        using var server = LoopbackServer.Sequence(LoopbackResponse.Redirect(new Uri(elsewhere.BaseUri, "zen/go/v1/usage").ToString()));
        var ex = Fails(() => Api(server));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains("not followed", ex.Message);
        Assert.Empty(elsewhere.Requests);
    }

    [Theory]
    [InlineData("http://example.com")]
    [InlineData("http://10.0.0.1:8080/")]
    [InlineData("ftp://127.0.0.1/")]
    public void Plain_http_is_refused_for_anything_but_loopback(string uri)
    {
        var ex = Assert.Throws<OpenCodeUsageException>(() => new GoHttp(new Uri(uri), Fast, ActivityLog.None));
        Assert.Equal("GoBaseUriInvalid", ex.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, ex.Kind);
    }

    [Theory]
    [InlineData("https://opencode.ai", "https://opencode.ai/zen/go/v1/usage")]
    [InlineData("https://proxy.example.com/oc?x=1", "https://proxy.example.com/oc/zen/go/v1/usage")]
    [InlineData("http://localhost:9/", "http://localhost:9/zen/go/v1/usage")]
    [InlineData("http://[::1]:9", "http://[::1]:9/zen/go/v1/usage")]
    public void Https_and_loopback_http_are_accepted(string uri, string usage)
    {
        using var http = new GoHttp(new Uri(uri), Fast, ActivityLog.None);
        Assert.Equal(usage, http.Resolve(GoUsageClient.UsagePath).ToString());
    }

    [Fact]
    public void A_key_that_cannot_be_a_header_is_refused_before_sending_without_being_quoted()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var bad = Key with { Secret = OpenCodeApiKey + "\r\nX-Injected: 1" };
        Assert.Equal("GoAuthFailed", Fails(() => Api(server, key: bad)).ErrorId);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void The_console_page_is_asked_with_the_auth_cookie_and_its_server_rendered_usage_read()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Page));
        var now = DateTimeOffset.Parse("2026-11-27T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var usage = Page(server, now);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/workspace/wrk_page/go", request.Path);
        Assert.Equal("auth=" + TestSecrets.AuthCookie, request.Header("Cookie"));
        Assert.Null(request.Header("Authorization"));
        Assert.Equal(GoQuotaSource.Cookie, usage.Source);
        Assert.Equal("wrk_page", usage.WorkspaceId);
        Assert.Equal(
            [
                new GoReading(GoQuotaWindow.Rolling, 12, GoQuotaStatus.Ok, now.AddHours(1)),
                new GoReading(GoQuotaWindow.Weekly, 30.5m, GoQuotaStatus.Ok, now.AddDays(1)),
                new GoReading(GoQuotaWindow.Monthly, 100, GoQuotaStatus.RateLimited, now.AddMinutes(10)),
            ],
            usage.Windows);
    }

    [Fact]
    public void Server_rendered_JSON_is_read_too()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200,
            """<script type="application/json">{"rollingUsage":{"usagePercent":7,"resetInSec":60},"weeklyUsage":{"resetInSec":5,"usagePercent":9}}</script>"""));
        var usage = Page(server, DateTimeOffset.UnixEpoch);
        Assert.Equal([(GoQuotaWindow.Rolling, 7m), (GoQuotaWindow.Weekly, 9m)], usage.Windows.Select(w => (w.Window, w.Percent)));
    }

    [Fact]
    public void A_page_that_no_longer_carries_usage_is_GoQuotaUnavailable_saying_so()
    {
        using var server = LoopbackServer.Sequence(LoopbackResponse.Html(200, GoResponses.Shell));
        var ex = Fails(() => Page(server, DateTimeOffset.UtcNow));
        Assert.Equal("GoQuotaUnavailable", ex.ErrorId);
        Assert.Contains("no longer carries usage data", ex.Message);
        Assert.Contains("client-side shell", ex.Message);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(302)]
    public void A_refused_or_redirected_cookie_is_GoAuthFailed(int status)
    {
        using var server = LoopbackServer.Sequence(status == 302 ? LoopbackResponse.Redirect("/auth/authorize") : LoopbackResponse.Html(status, "no"));
        var ex = Fails(() => Page(server, DateTimeOffset.UtcNow));
        Assert.Equal("GoAuthFailed", ex.ErrorId);
        Assert.Contains("Set-OpenCodeGoCookie", ex.Message);
        Assert.Single(server.Requests);
    }
}
