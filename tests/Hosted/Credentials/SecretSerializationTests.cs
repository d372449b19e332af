using System.Text;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Credentials written out by the usual serializers (Export-Clixml, PSSerializer, ConvertTo-Json, Export-Csv) hold
/// no secret in any encoding: plain, hex or base64 of its UTF-8 or UTF-16 bytes. A SecureString serialized where
/// there is no DPAPI (Linux, macOS) is the hex of its UTF-16 text, so the Secret must not be serialized at all.
/// </summary>
public sealed class SecretSerializationTests
{
    private static IEnumerable<string> Encodings(string secret)
    {
        var core = Core(secret);
        yield return core;
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(core), Encoding.Unicode.GetBytes(core) })
        {
            yield return Convert.ToHexString(bytes);
            yield return Convert.ToHexString(bytes).ToLowerInvariant();
        }

        // Base64 of the whole secret in either encoding (aligned to the secret's start, as a serializer writes it).
        foreach (var bytes in new[] { Encoding.UTF8.GetBytes(secret), Encoding.Unicode.GetBytes(secret) })
        {
            var text = Convert.ToBase64String(bytes);
            yield return text[..(text.Length * 3 / 4)];
        }
    }

    [Fact]
    public void Serialized_credentials_hold_no_secret_in_any_encoding()
    {
        using var home = CredentialSetup.Create();
        var clixml = Path.Combine(home.Root, "credentials.xml");
        var csv = Path.Combine(home.Root, "credentials.csv");
        var run = HostProbe.RunAll($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            Set-Location -LiteralPath {HostProbe.Quote(home.ProjectSubfolder)}
            $found = Get-OpenCodeCredential
            $found | Export-Clixml -LiteralPath {HostProbe.Quote(clixml)} -Depth 5
            $found | Export-Csv -LiteralPath {HostProbe.Quote(csv)}
            [System.Management.Automation.PSSerializer]::Serialize($found, 5)
            $found | ConvertTo-Json -Depth 5
            (Import-Clixml -LiteralPath {HostProbe.Quote(clixml)}).ProviderId -join ','
            """, home.Variables);

        var written = File.ReadAllText(clixml) + File.ReadAllText(csv) + run.Text;
        // What the user needs still round-trips.
        Assert.Contains("anthropic,anthropic,corp", run.Text);
        Assert.Contains("MaskedValue", File.ReadAllText(clixml));
        var leaks = All.SelectMany(s => Encodings(s).Where(e => written.Contains(e, StringComparison.Ordinal)).Select(e => $"{s} as {e}")).ToList();
        Assert.Empty(leaks);
    }
}
