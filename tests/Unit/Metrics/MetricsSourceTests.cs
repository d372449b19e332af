using OpenCodeUsage.Metrics;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Metrics;

/// <summary>The source an endpoint renders from: the Go quota is asked at most once a minute, the usage every time.</summary>
public sealed class MetricsSourceTests
{
    [Fact]
    public void The_go_quota_is_asked_once_for_many_scrapes_and_its_failure_leaves_the_usage()
    {
        using var go = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api), LoopbackResponse.Json(401, GoResponses.Unauthorized));
        string? Environment(string name) => name == "OPENCODE_API_KEY" ? TestSecrets.OpenCodeApiKey : TestEnvironment.Isolated(name);
        var data = RepoPaths.DataDir("oc-1.18.33");
        var source = new MetricsSource(new MetricsQuery
        {
            DataPaths = [data], Labels = new HashSet<MetricLabel> { MetricLabel.Machine }, Machine = "m",
            GoQuota = new OpenCodeUsage.Go.GoQuotaQuery { BaseUri = go.BaseUri, DataPaths = [data] },
        }, Environment);
        for (var scrape = 0; scrape < 3; scrape++)
        {
            var set = source.Compute(new ReadDiagnostics(), null, out var failure, CancellationToken.None);
            Assert.Null(failure);
            Assert.Equal(0.42m, set.Get(GoMetrics.UsedRatio, "m", "rolling"));
            Assert.Equal(1, set.Get(GoMetrics.RateLimited, "m", "monthly"));
            Assert.Equal(20182, set.Get(UsageMetrics.Tokens, "m", "input"));
        }

        Assert.Single(go.Requests);
        var failing = new MetricsSource(source.Query, Environment);
        var usageOnly = failing.Compute(new ReadDiagnostics(), null, out var goFailure, CancellationToken.None);
        Assert.Equal("GoAuthFailed", goFailure?.ErrorId);
        Assert.Null(usageOnly.Get(GoMetrics.UsedRatio, "m", "rolling"));
        Assert.Equal(20182, usageOnly.Get(UsageMetrics.Tokens, "m", "input"));
    }
}
