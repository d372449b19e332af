using System.Security.Cryptography;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Every cmdlet that reads OpenCode's files, run through the real engine on a copy of every committed data set,
/// with OpenCode's data, config and cache folders as the defaults: not one byte of them changes and no file
/// appears. Our own output (the stats file) lives elsewhere.
/// </summary>
public sealed class DataUntouchedTests
{
    /// <summary>Every committed data dir, and the shipped sample.</summary>
    private static IEnumerable<(string Name, string Source)> DataSets() =>
        Directory.EnumerateDirectories(RepoPaths.TestData)
            .Where(d => Directory.Exists(Path.Combine(d, "opencode")))
            .Select(d => (Path.GetFileName(d), d))
            .Append(("sample", Path.GetDirectoryName(RepoPaths.Sample)!))
            .OrderBy(d => d.Item1, StringComparer.Ordinal);

    /// <summary>SHA-256 of every file under the folders OpenCode owns, keyed by path, plus every folder (an added empty one counts too).</summary>
    private static SortedDictionary<string, string> Snapshot(IEnumerable<string> roots)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var root in roots.Where(Directory.Exists))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            {
                snapshot[entry] = File.Exists(entry) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry))) : "<dir>";
            }
        }

        return snapshot;
    }

    private static void CopyTree(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    [Fact]
    public void No_cmdlet_changes_or_adds_a_file_of_OpenCode_in_any_data_set()
    {
        using var home = new TempHome();
        home.Variables["OPENCODE_API_KEY"] = OpenCodeApiKey;
        using var go = LoopbackServer.Sequence(LoopbackResponse.Json(200, GoResponses.Api));
        var output = Directory.CreateTempSubdirectory("ocu-untouched-out-").FullName;
        var script = new System.Text.StringBuilder($"Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop\n");
        var owned = new List<string>();
        foreach (var (name, source) in DataSets())
        {
            // One XDG root per data set: its data dir is OpenCode's default, with a config and a model cache beside it.
            var root = Path.Combine(home.Root, "sets", name);
            CopyTree(Path.Combine(source, "opencode"), Path.Combine(root, "data", "opencode"));
            var prices = Path.Combine(source, "opencode.json");
            var config = Path.Combine(root, "config", "opencode");
            Directory.CreateDirectory(config);
            File.WriteAllText(Path.Combine(config, "opencode.jsonc"), File.Exists(prices) ? File.ReadAllText(prices) : "{}");
            Directory.CreateDirectory(Path.Combine(root, "cache", "opencode"));
            File.WriteAllText(Path.Combine(root, "cache", "opencode", "models.json"), """{"mock":{"id":"mock","env":["MOCK_API_KEY"],"models":{}}}""");
            owned.AddRange([Path.Combine(root, "data", "opencode"), config, Path.Combine(root, "cache", "opencode")]);

            var stats = Path.Combine(output, name + "-stats.json");
            script.Append($$"""
                $env:XDG_DATA_HOME = {{HostProbe.Quote(Path.Combine(root, "data"))}}
                $env:XDG_CONFIG_HOME = {{HostProbe.Quote(Path.Combine(root, "config"))}}
                $env:XDG_CACHE_HOME = {{HostProbe.Quote(Path.Combine(root, "cache"))}}
                $sessions = @(Get-OpenCodeSession)
                $null = Get-OpenCodeSession -RootOnly
                $null = Get-OpenCodeUsage
                $null = Get-OpenCodeUsage -PerMessage
                $null = Get-OpenCodeUsage -GroupBy Session, Model, Agent
                $null = $sessions | Get-OpenCodeUsage -GroupBy Session -IncludeChildren
                $null = Watch-OpenCodeActivity -Count 1 -TimeoutSec 1 | Export-OpenCodeStats -Path {{HostProbe.Quote(stats)}} -ThrottleSec 1
                $null = Get-OpenCodeCredential
                $null = Get-OpenCodeGoQuota -BaseUri '{{go.BaseUri}}'
                $null = Invoke-OpenCodeDelegate -Prompt 'say hi' -Directory {{HostProbe.Quote(home.Project)}} -WhatIf
                'done|{{name}}|' + $sessions.Count

                """);
        }

        var before = Snapshot(owned);
        var run = HostProbe.RunAll(script.ToString(), home.Variables);
        var after = Snapshot(owned);
        Directory.Delete(output, recursive: true);

        var names = DataSets().Select(d => d.Name).ToList();
        Assert.True(names.Count >= 10, "the data sets were not found");
        Assert.Equal(names.Select(n => $"done|{n}|"), run.Output.Where(l => l.StartsWith("done|", StringComparison.Ordinal)).Select(l => l[..(l.LastIndexOf('|') + 1)]));
        Assert.DoesNotContain(run.Output, l => l.StartsWith("done|", StringComparison.Ordinal) && l.EndsWith("|0", StringComparison.Ordinal));
        Assert.Empty(after.Keys.Except(before.Keys));
        Assert.Empty(before.Keys.Except(after.Keys));
        Assert.Empty(before.Where(file => after[file.Key] != file.Value).Select(file => file.Key)); // changed files, by name
        Assert.True(before.Count > 100, $"only {before.Count} files were watched");
        Assert.True(run.Errors.Count == 0, string.Join("\n", run.Errors));
    }
}
