using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Go;

/// <summary>The Go quota history: kept from each reading, owner-only and bounded, and reconciled with the local spend.</summary>
public sealed class GoQuotaHistoryTests
{
    private static readonly DateTimeOffset Reset = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private static GoQuotaSample Sample(int minute, decimal percent, decimal? cost, GoQuotaWindow window = GoQuotaWindow.Weekly) => new()
    {
        Time = Reset.AddDays(-3).AddMinutes(minute), Window = window, PercentUsed = percent, LocalCost = cost, ResetsAt = Reset,
    };

    [Fact]
    public void Each_reading_is_kept_owner_only_beside_the_local_spend()
    {
        using var home = CredentialSetup.Create();
        using var server = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api), LoopbackResponse.Json(200, GoResponses.Api));
        for (var i = 0; i < 2; i++)
        {
            GoQuotaReport.Get(new GoQuotaQuery { BaseUri = server.BaseUri, Directory = home.ProjectSubfolder, DataPaths = [RepoPaths.DataDir("oc-1.18.33")] },
                home.Environment, new ReadDiagnostics(), ActivityLog.None, GoUsageHttpTests.Fast, CancellationToken.None);
        }

        var path = GoQuotaHistory.PathFor(home.Environment);
        Assert.StartsWith(home.Root, path, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var samples = GoQuotaHistory.Read(home.Environment);
        Assert.Equal(6, samples.Count); // three windows, twice
        Assert.Equal([GoQuotaWindow.Rolling, GoQuotaWindow.Weekly, GoQuotaWindow.Monthly], samples.Take(3).Select(s => s.Window));
        Assert.All(samples, s => Assert.Equal(0m, s.LocalCost)); // the data set has no opencode-go messages
        Assert.All(samples, s => Assert.Null(s.ImpliedLimit));
        Assert.DoesNotContain(TestSecrets.OpenCodeApiKey, File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void The_history_keeps_the_newest_readings_of_the_last_two_months()
    {
        using var home = new TempHome();
        var now = DateTimeOffset.UtcNow;
        GoQuotaHistory.Append([new GoQuota { Window = GoQuotaWindow.Monthly, PercentUsed = 1 }], now.AddDays(-70), home.Environment, _ => Assert.Fail("write failed"));
        var many = Enumerable.Range(0, GoQuotaHistory.MaxSamples + 100).Select(i => new GoQuota { Window = GoQuotaWindow.Rolling, PercentUsed = i % 100 }).ToList();
        GoQuotaHistory.Append(many, now, home.Environment, _ => Assert.Fail("write failed"));
        var kept = GoQuotaHistory.Read(home.Environment);
        Assert.Equal(GoQuotaHistory.MaxSamples, kept.Count);
        Assert.DoesNotContain(kept, s => s.Window == GoQuotaWindow.Monthly);
        Assert.Equal((GoQuotaHistory.MaxSamples + 99) % 100, kept[^1].PercentUsed);
    }

    [Fact]
    public void A_reading_disagrees_when_its_possible_limits_meet_none_of_the_windows_earlier_ones()
    {
        var samples = GoQuotaHistory.Reconcile(
        [
            Sample(0, 10, 3.00m),   // $28.57 to $31.58
            Sample(60, 20, 6.10m),  // $29.76 to $31.28: meets the first
            Sample(120, 30, 6.20m), // $20.33 to $21.02: meets neither, the percent ran ahead of the local spend
            Sample(180, 31, 6.40m), // $20.32 to $20.98: meets the last one, which the comparison restarted from
            Sample(0, 10, 3.00m, GoQuotaWindow.Monthly), // another window: compared with nothing
            Sample(240, 0, 0m),
        ]);
        Assert.Equal([false, false, true, false, false, false], samples.Select(s => s.Disagrees));
        Assert.Equal(30m, samples[0].ImpliedLimit);
        Assert.Equal(0.3m, samples[0].DollarsPerPercent);
        Assert.Equal(Math.Round(300m / 10.5m, 4), samples[0].ImpliedLimitLow);
        Assert.Equal(Math.Round(300m / 9.5m, 4), samples[0].ImpliedLimitHigh);
        Assert.Null(samples[5].ImpliedLimit);
    }
}
