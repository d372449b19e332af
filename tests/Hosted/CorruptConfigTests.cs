using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// OpenCode's credential, config and price files with text that is not UTF-8 (inputs the fuzzer found), read by the
/// cmdlets in their own process with the files at their default places: each is one error record or warning
/// naming the file, and everything else is still reported.
/// </summary>
public sealed class CorruptConfigTests
{
    private static byte[] Found(string name) => File.ReadAllBytes(Path.Combine(CorruptCorpus.Folder, "fuzz-found", name));

    [Fact]
    public void Files_that_are_not_UTF8_are_one_error_or_warning_each_and_the_rest_is_reported()
    {
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        var source = RepoPaths.DataDir("oc-1.18.33");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(home.DataDir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        var config = Path.Combine(home.ConfigDir, "opencode.json");
        File.WriteAllBytes(home.Write(home.AuthJson, ""), Found("auth-not-utf8.json"));
        File.WriteAllBytes(home.Write(config, ""), Found("config-not-utf8.json"));
        File.WriteAllBytes(home.Write(home.ModelsJson, ""), Found("pricing-not-utf8.json"));

        using var go = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var run = Bounded.Run(() => HostProbe.RunAll($$"""
            Import-Module {{HostProbe.Quote(RepoPaths.StagedModule)}} -ErrorAction Stop
            Get-OpenCodeCredential | ForEach-Object { 'cred|' + $_.Source }
            $Error | ForEach-Object { 'error|{0}|{1}|{2}' -f $_.FullyQualifiedErrorId.Split(',')[0], $_.CategoryInfo.Category, $_.TargetObject }
            $Error.Clear()
            $rows = @(Get-OpenCodeUsage -GroupBy Session -WarningVariable warnings -WarningAction SilentlyContinue)
            'usage|' + $rows.Count
            $warnings | ForEach-Object { 'warn|' + $_ }
            'sessions|' + @(Get-OpenCodeSession).Count
            'errors|' + $Error.Count
            $Error.Clear()
            Get-OpenCodeGoQuota -BaseUri '{{go.BaseUri}}' -WarningAction SilentlyContinue | ForEach-Object { 'go|{0}|{1}' -f $_.Window, $_.PercentUsed }
            $Error | ForEach-Object { 'go-error|{0}|{1}' -f $_.FullyQualifiedErrorId.Split(',')[0], $_.TargetObject }
            """, home.Variables), TimeSpan.FromSeconds(120));

        Assert.Contains($"error|AuthFileInvalid|InvalidData|{home.AuthJson}", run.Output);
        Assert.Contains($"error|ConfigFileInvalid|InvalidData|{config}", run.Output);
        Assert.Contains("cred|OPENCODE_API_KEY", run.Output);
        Assert.Contains("usage|8", run.Output);
        Assert.Contains(run.Output, l => l.StartsWith("warn|", StringComparison.Ordinal) && l.Contains(home.ModelsJson, StringComparison.Ordinal));
        Assert.Contains("sessions|8", run.Output);
        Assert.True(run.Output.Contains("errors|0"), string.Join("\n", run.Output));
        Assert.Equal(["go|Rolling|42", "go|Weekly|12", "go|Monthly|100"], run.Output.Where(l => l.StartsWith("go|", StringComparison.Ordinal)));
        // The quota check reads the same key sources, and says so the same way.
        Assert.Equal([$"go-error|ConfigFileInvalid|{config}", $"go-error|AuthFileInvalid|{home.AuthJson}"],
            run.Output.Where(l => l.StartsWith("go-error|", StringComparison.Ordinal)));
        Assert.Empty(LeakedIn(run.Text));
    }
}
