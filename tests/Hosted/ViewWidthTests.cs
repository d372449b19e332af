using System.Text.RegularExpressions;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Every default table view, rendered by the full engine's Format-Table at 80 and 120 columns, on real sample
/// data and on the largest figures real databases reach: no line too long, every column there, no number cut.
/// </summary>
public sealed class ViewWidthTests
{
    private static readonly string Sample = RepoPaths.Sample;

    /// <summary>Each view's headers, and a script that emits objects of its type.</summary>
    public static TheoryData<string, string, int> Views()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var width in new[] { 80, 120 })
        {
            data.Add("Session", "Get-OpenCodeSession -DataPath $args[0]", width);
            data.Add("Summary", "Get-OpenCodeUsage -DataPath $args[0] -GroupBy Day, Model -Total", width);
            data.Add("Record", "Get-OpenCodeUsage -DataPath $args[0] -PerMessage", width);
            data.Add("BigSession", BigSession, width);
            data.Add("BigSummary", BigSummary, width);
            data.Add("BigRecord", BigRecord, width);
            data.Add("BigActivity", BigActivity, width);
            data.Add("BigDelegate", BigDelegate, width);
            data.Add("BigGo", BigGo, width);
            data.Add("BigCredential", BigCredential, width);
            data.Add("Tool", "Get-OpenCodeToolUsage -DataPath $args[0] -GroupBy Session", width);
            data.Add("BigTool", BigTool, width);
            data.Add("Budget", "New-OpenCodeBudget daily -LimitUsd 0.05 -TimeZone UTC | Test-OpenCodeBudget -DataPath $args[0] -AsOf '2026-11-27T06:00:00Z'", width);
            data.Add("BigBudget", BigBudget, width);
            data.Add("BigAlert", BigAlert, width);
            data.Add("BigGoSample", BigGoSample, width);
            data.Add("BigPermission", BigPermission, width);
            data.Add("BigQuestion", BigQuestion, width);
            data.Add("BigAnswer", BigAnswer, width);
            data.Add("BigService", BigService, width);
        }

        return data;
    }

    // Counts to 10^7, tokens to 10^11, costs to $10^5: what a 1M-message database gives. Text is short here, so
    // any "…" in these tables would be a cut number.
    private const string Huge = "InputTokens = 99999999999; OutputTokens = 99999999999; ReasoningTokens = 99999999999; CacheReadTokens = 99999999999; CacheWriteTokens = 99999999999; TotalTokens = 499999999995; Cost = [decimal]99999.99";
    private const string BigSession = "[OpenCodeUsage.Session]@{ Id = 'ses_de4fbddb7ffeGF73TuJnNfpwx9'; Title = 'Big'; Updated = [datetimeoffset]'2026-11-27'; MessageCount = 9999999; " + Huge + " }";
    private const string BigSummary = "[OpenCodeUsage.UsageSummary]@{ Group = '2026-11-27'; Messages = 9999999; Sessions = 9999999; EstimatedCost = [decimal]99999.99; " + Huge + " }";
    private const string BigRecord = "[OpenCodeUsage.UsageRecord]@{ SessionId = 's'; MessageId = 'm'; Time = [datetimeoffset]'2026-11-27'; ModelId = 'mock-fast'; IsForkCopy = $true; " + Huge + " }";
    private const string BigActivity = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.ActivityEvent'; Time = [datetimeoffset]'2026-11-27'; Kind = 'PermissionReplied'; SessionId = 'ses_1'; Detail = 'ok'; TotalTokens = 499999999995; Cost = [decimal]99999.99 }";
    private const string BigDelegate = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.DelegateResult'; Status = 'Succeeded'; Model = 'mock/mock-fast'; TotalTokens = 499999999995; Cost = [decimal]99999.99; Duration = [timespan]::FromSeconds(86399.9); Text = 'ok' }";
    private const string BigGo = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.GoQuota'; Window = 'Monthly'; PercentUsed = [decimal]99.5; Status = 'RateLimited'; ResetsAt = [datetimeoffset]'2026-11-27'; LocalCost = [decimal]99999.99; DollarsPerPercent = [decimal]99999.99; TimeToLimit = [timespan]::FromDays(99.9); Source = 'Cookie' }";
    private const string BigCredential = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.Credential'; ProviderId = 'openrouter'; Type = 'WellKnown'; Role = 'Delegation, Tracking'; MaskedValue = 'sk-…1234'; Source = '/etc/x' }";
    private const string BigService = "[OpenCodeUsage.OpenCodeService]@{ Url = 'http://127.0.0.1:65535/'; Version = '2.0.18'; Pid = 4194304; Running = $false; Generation = '2.x'; Path = '/s/service.json' }";
    private const string BigPermission = "[OpenCodeUsage.PermissionRequest]@{ Id = 'per_23811fb58001zQeg5WhSk6YHco'; SessionId = 'ses_de4d6b94cffeMgIE6P6gZr5nMb'; Permission = 'external_directory'; Patterns = @('/srv/data/*'); Server = 'http://127.0.0.1:4096/'; ServerGeneration = '1.x' }";
    private const string BigQuestion = "[OpenCodeUsage.QuestionRequest]@{ Id = 'que_23811fb58001zQeg5WhSk6YHco'; SessionId = 'ses_de4d6b94cffeMgIE6P6gZr5nMb'; Questions = @([OpenCodeUsage.QuestionItem]@{ Question = 'Which database?' }); Server = 'http://127.0.0.1:4096/'; ServerGeneration = '2.x' }";
    private const string BigAnswer = "[OpenCodeUsage.PendingAnswer]@{ RequestId = 'per_23811fb58001zQeg5WhSk6YHco'; SessionId = 'ses_de4d6b94cffeMgIE6P6gZr5nMb'; Answer = 'Always'; Detail = 'ok'; Server = 'http://127.0.0.1:4096/' }";

    private const string BigTool = "[OpenCodeUsage.ToolUsage]@{ Group = 'bash'; Tool = 'bash'; Calls = 9999999; Failures = 9999999; Duration = [timespan]::FromDays(9999.9); AverageDuration = [timespan]::FromSeconds(59.99); OutputBytes = 1125899906842623 }";
    private const string BigBudget = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.BudgetStatus'; Name = 'b'; Status = 'ForecastExceeded'; Spent = [decimal]99999.99; Limit = [decimal]99999.99; Percent = [decimal]99999.99; Projected = [decimal]99999.99; TimeLeft = [timespan]::FromDays(30.9) }";
    private const string BigAlert = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.BudgetAlert'; Time = [datetimeoffset]'2026-11-27'; Name = 'b'; Status = 'ForecastExceeded'; Spent = [decimal]99999.99; Limit = [decimal]99999.99; SessionId = 's' }";

    private const string BigGoSample = "[pscustomobject]@{ PSTypeName = 'OpenCodeUsage.GoQuotaSample'; Time = [datetimeoffset]'2026-11-27'; Window = 'Monthly'; PercentUsed = [decimal]99; LocalCost = [decimal]99999.99; DollarsPerPercent = [decimal]99999.99; ImpliedLimit = [decimal]99999.99; Disagrees = $true }";

    private static readonly Dictionary<string, string[]> Headers = new()
    {
        ["Session"] = ["Updated", "Id", "Title", "Tokens", "Cost"],
        ["Summary"] = ["Msgs", "Input", "Output", "Cache", "Total", "Cost", "EstCost", "Group"],
        ["Record"] = ["Time", "Model", "Input", "Output", "Cache", "Total", "Cost", "Fork"],
        ["Activity"] = ["Time", "Kind", "Session", "What", "Tokens", "Cost"],
        ["Delegate"] = ["Status", "Model", "Tokens", "Cost", "Secs", "Text"],
        ["Go"] = ["Window", "Used", "Status", "ResetsAt", "LocalCost", "$/1%", "FullIn", "Source"],
        ["Credential"] = ["ProviderId", "Type", "Role", "Masked", "Source"],
        ["Tool"] = ["Calls", "Failed", "Time", "AvgTime", "Output", "Group"],
        ["Budget"] = ["Name", "Status", "Spent", "Limit", "Used", "Projected", "Left"],
        ["Alert"] = ["Time", "Status", "Name", "Spent", "Limit", "Session"],
        ["GoSample"] = ["Time", "Window", "Used", "LocalCost", "$/1%", "Implied", "Agrees"],
        ["Permission"] = ["Id", "Permission", "Patterns"],
        ["Question"] = ["Id", "Question"],
        ["Answer"] = ["RequestId", "Answer", "Detail"],
        ["Service"] = ["Url", "Version", "Pid", "Running", "Gen", "Path"],
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void A_view_fits_the_width_with_every_column_whole(string view, string script, int width)
    {
        using var engine = new Engine(width);
        var lines = engine.Run($"{script} | Format-Table | Out-String -Stream -Width {width}", Sample)
            .Select(o => o.ToString()).Where(l => l.Trim().Length > 0).ToList();
        Assert.Empty(engine.Errors);
        Assert.True(lines.Count >= 3, string.Join('\n', lines));
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));

        var name = view.StartsWith("Big", StringComparison.Ordinal) ? view[3..] : view;
        var header = lines[0];
        Assert.Equal(Headers[name], Regex.Split(header.Trim(), @"\s+"));
        var rule = lines[1];
        // Each header is underlined whole: a squeezed column has a shorter rule than its name.
        Assert.Equal(Headers[name].Select(h => new string('-', h.Length)), Regex.Split(rule.Trim(), @"\s+"));
        if (view.StartsWith("Big", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(lines.Skip(2), l => l.Replace("sk-…1234", string.Empty).Contains('…'));
        }
        else
        {
            // Real data: only text may be cut; every number in a row is printed as Display prints it.
            Assert.DoesNotMatch(@"\d…|…\d", string.Join('\n', lines.Skip(2)));
        }
    }

    [Fact]
    public void At_120_columns_the_extra_width_goes_to_the_text()
    {
        (int Tokens, bool Cut) Header(int width)
        {
            using var engine = new Engine(width);
            var lines = engine.Run($"Get-OpenCodeSession -DataPath $args[0] | Format-Table | Out-String -Stream -Width {width}", Sample)
                .Select(o => o.ToString()).Where(l => l.Trim().Length > 0).ToList();
            return (lines[0].IndexOf("Tokens", StringComparison.Ordinal), lines.Skip(2).Any(l => l.Contains('…')));
        }

        var (narrow, cutAt80) = Header(80);
        var (wide, cutAt120) = Header(120);
        // Title is the one column without a width: the 40 more columns are all its.
        Assert.Equal(narrow + 40, wide);
        Assert.True(cutAt80, "the sample's longest titles are cut at 80 columns");
        Assert.False(cutAt120, "every sample title fits at 120 columns");
    }

    [Fact]
    public void Total_adds_one_row_over_the_whole_period_with_distinct_sessions()
    {
        using var engine = new Engine();
        var rows = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Model -Total", Sample);
        var total = rows[^1];
        Assert.True((bool)total.Properties["IsTotal"].Value);
        Assert.Equal("Total", total.Properties["Group"].Value);
        var groups = rows.Take(rows.Count - 1).ToList();
        Assert.All(groups, r => Assert.False((bool)r.Properties["IsTotal"].Value));
        foreach (var p in new[] { "Messages", "InputTokens", "OutputTokens", "ReasoningTokens", "CacheReadTokens", "CacheWriteTokens", "TotalTokens" })
        {
            Assert.Equal(groups.Sum(r => Convert.ToInt64(r.Properties[p].Value)), Convert.ToInt64(total.Properties[p].Value));
        }

        Assert.Equal(groups.Sum(r => (decimal)r.Properties["Cost"].Value), (decimal)total.Properties["Cost"].Value);
        // A session that used two models is one session of the total, not two.
        var sessions = engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -GroupBy Session | Measure-Object).Count", Sample)[0].BaseObject;
        Assert.Equal(sessions, total.Properties["Sessions"].Value);
        Assert.Empty(engine.Run("Get-OpenCodeUsage -DataPath $args[0] -GroupBy Model | Where-Object IsTotal", Sample));
    }

    [Fact]
    public void Days_selects_today_and_the_days_before_it()
    {
        // Every sample message was written on 2026-11-27 (UTC and local here alike).
        using var engine = new Engine();
        var first = (DateTime)engine.Run("(Get-OpenCodeUsage -DataPath $args[0] -PerMessage | Sort-Object Time | Select-Object -First 1).Time.LocalDateTime.Date", Sample)[0].BaseObject;
        var days = (DateTime.Now.Date - first).Days + 1;
        var all = engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Total", Sample)[^1].Properties["Messages"].Value;
        Assert.Equal(all, engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Total -Days $args[1]", Sample, days)[^1].Properties["Messages"].Value);
        Assert.Empty(engine.Run("Get-OpenCodeUsage -DataPath $args[0] -Days $args[1]", Sample, days - 1));
        Assert.Empty(engine.Run("Get-OpenCodeSession -DataPath $args[0] -Days $args[1]", Sample, days - 1));

        var error = engine.RunExpectingTermination("Get-OpenCodeUsage -DataPath $args[0] -Days 7 -After '2026-11-01'", Sample);
        Assert.StartsWith("DateRangeInvalid", error.FullyQualifiedErrorId, StringComparison.Ordinal);
    }
}
