using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Get-OpenCodeCredential in its own process, whose environment points every source at a temporary home (see
/// <see cref="CredentialSetup"/>), so neither the machine's credentials nor its variables take part.
/// </summary>
public sealed class GetOpenCodeCredentialTests
{
    private static ProbeRun Probe(TempHome home, string script) => HostProbe.RunAll($"""
        Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
        Set-Location -LiteralPath {HostProbe.Quote(home.ProjectSubfolder)}
        {script}
        """, home.Variables);

    [Fact]
    public void Lists_each_credential_typed_with_its_role_source_and_masked_value()
    {
        using var home = CredentialSetup.Create();
        var run = Probe(home, """
            Get-OpenCodeCredential | ForEach-Object { 'cred|{0}|{1}|{2}|{3}|{4}|{5}|{6}' -f $_.ProviderId, $_.Type, $_.Role, $_.Source, $_.MaskedValue, ($_.Secret -is [securestring]), $_.PSObject.TypeNames[0] }
            'is|' + ((Get-OpenCodeCredential)[0] -is [OpenCodeUsage.Credential])
            'expired|' + ((Get-OpenCodeCredential openai).IsExpired)
            'filtered|' + ((Get-OpenCodeCredential -Provider 'open*', corp).ProviderId -join ',')
            'piped|' + (([pscustomobject]@{ ProviderId = 'mockfile' } | Get-OpenCodeCredential).Source)
            'value|' + ((Get-OpenCodeCredential | Get-Member -Name Value) -ne $null)
            Get-OpenCodeCredential -Provider nosuch, 'none*'
            """);
        var expected = CredentialSetup.Expected(home)
            .Select(e => $"cred|{e.Provider}|{e.Type}|{e.Role}|{e.Source}|{e.Secret[..3]}…{e.Secret[^4..]}|True|OpenCodeUsage.Credential");
        Assert.Equal(expected, run.Output.Where(l => l.StartsWith("cred|", StringComparison.Ordinal)));
        Assert.Contains("is|True", run.Output);
        Assert.Contains("expired|True", run.Output);
        Assert.Contains("filtered|corp,openai,opencode,opencode-go,opencode-go", run.Output);
        Assert.Contains($"piped|{Path.Combine(home.Project, "opencode.json")}#provider.mockfile.options.apiKey ({{file:./secrets/key.txt}})", run.Output);
        Assert.Contains("value|False", run.Output);
        Assert.StartsWith("CredentialNotFound,OpenCodeUsage.Commands.GetOpenCodeCredentialCommand|", Assert.Single(run.Errors));
        Assert.Empty(LeakedIn(run.Text));
    }

    [Fact]
    public void AsPlainText_adds_a_Value_and_shows_it_in_the_table()
    {
        using var home = CredentialSetup.Create();
        var run = Probe(home, """
            Get-OpenCodeCredential -AsPlainText | ForEach-Object { 'plain|{0}|{1}|{2}' -f $_.ProviderId, $_.Source, $_.Value }
            Get-OpenCodeCredential opencode -AsPlainText | Format-Table | Out-String -Width 200 -Stream | Where-Object { $_ -match '\S' }
            """);
        var expected = CredentialSetup.Expected(home).Select(e => $"plain|{e.Provider}|{e.Source}|{e.Secret}");
        Assert.Equal(expected, run.Output.Where(l => l.StartsWith("plain|", StringComparison.Ordinal)));
        Assert.Contains(run.Output, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^ProviderId\s+Type\s+Role\s+Value\s*$"));
        Assert.Contains(run.Output, l => l.Contains(OpenCodeApiKey, StringComparison.Ordinal) && l.StartsWith("opencode ", StringComparison.Ordinal));
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_malformed_file_is_an_error_with_its_path_and_position_and_the_rest_is_still_listed()
    {
        using var home = CredentialSetup.Create();
        home.Write(home.AuthJson, "{\n  \"anthropic\": { \"type\": \"api\", \"key\": " + AuthApiKey + " }\n}");
        var run = Probe(home, """
            Get-OpenCodeCredential | ForEach-Object { 'cred|' + $_.Source }
            $e = $Error | Where-Object FullyQualifiedErrorId -like 'AuthFileInvalid,*' | Select-Object -First 1
            'error|{0}|{1}' -f $e.CategoryInfo.Category, $e.TargetObject
            """);
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("AuthFileInvalid,OpenCodeUsage.Commands.GetOpenCodeCredentialCommand|", error);
        Assert.Contains(home.AuthJson, error);
        Assert.Contains("line 2, column 40", error);
        Assert.Contains($"error|InvalidData|{home.AuthJson}", run.Output);
        Assert.Contains("cred|OPENCODE_API_KEY", run.Output);
        Assert.Contains(run.Output, l => l.EndsWith("#provider.mock.options.apiKey", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Output, l => l.StartsWith("cred|", StringComparison.Ordinal) && l.Contains("auth.json", StringComparison.Ordinal));
        Assert.Empty(LeakedIn(run.Text));
    }

    [Fact]
    public void The_table_reads_well_at_100_columns()
    {
        using var home = CredentialSetup.Create();
        var run = Probe(home, "Get-OpenCodeCredential | Format-Table | Out-String -Width 100 -Stream | Where-Object { $_ -match '\\S' }");
        var lines = run.Output.Select(l => System.Text.RegularExpressions.Regex.Replace(l, "\u001b\\[[0-9;]*m", string.Empty)).ToList();
        Assert.Matches(@"^ProviderId\s+Type\s+Role\s+Masked\s+Source$", lines[0].Trim());
        Assert.All(lines, l => Assert.True(l.Length <= 100, $"too wide: '{l}'"));
        // Sources under the home show as ~/..., so the key at their end is not cut off.
        Assert.Contains(lines, l => l.EndsWith("~/.local/share/opencode/auth.json#anthropic", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("opencode ", StringComparison.Ordinal) && l.Contains("Delegation, Tracking", StringComparison.Ordinal));
        Assert.Equal(CredentialSetup.Expected(home).Count, lines.Count - 2);
    }
}
