using System.Collections;
using System.Management.Automation;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>The staged module as PowerShell sees it: manifest, exports, types and help.</summary>
public sealed class ModuleTests
{
    private static readonly string ManifestPath = Path.Combine(RepoPaths.StagedModule, "OpenCodeUsage.psd1");

    [Fact]
    public void Manifest_passes_Test_ModuleManifest()
    {
        using var engine = new Engine();
        var info = Assert.Single(engine.Run("Test-ModuleManifest -Path $args[0] -ErrorAction Stop", ManifestPath));
        Assert.Empty(engine.Errors);
        Assert.Equal("OpenCodeUsage", info.Properties["Name"].Value);
        Assert.Contains("Core", ((IEnumerable)info.Properties["CompatiblePSEditions"].Value).Cast<object>().Select(o => o.ToString()));
    }

    [Fact]
    public void Exports_exactly_the_manifests_cmdlets_and_nothing_else()
    {
        using var engine = new Engine();
        var module = Assert.Single(engine.Run("Get-Module OpenCodeUsage"));
        var declared = ((IEnumerable)engine.Run("(Import-PowerShellDataFile $args[0]).CmdletsToExport", ManifestPath)
            .Select(o => o.BaseObject).ToList()).Cast<object>().Select(o => o.ToString()!).Order().ToList();
        var exported = engine.Run("(Get-Command -Module OpenCodeUsage).Name").Select(o => o.ToString()).Order().ToList();
        Assert.Equal(declared, exported);
        Assert.Equal(0, engine.Run("(Get-Command -Module OpenCodeUsage -CommandType Function, Alias).Count")[0].BaseObject);
        Assert.Equal(
            engine.Run("(Get-Module OpenCodeUsage).Version.ToString()")[0].ToString(),
            engine.Run("[OpenCodeUsage.Commands.GetOpenCodeSessionCommand].Assembly.GetName().Version.ToString(3)")[0].ToString());
        Assert.NotNull(module);
    }

    [Fact]
    public void Output_types_resolve_from_scripts_and_each_cmdlet_declares_one()
    {
        using var engine = new Engine();
        Assert.Equal("OpenCodeUsage.Session", engine.Run("[OpenCodeUsage.Session].FullName")[0].ToString());
        var missing = engine.Run("Get-Command -Module OpenCodeUsage | Where-Object { $_.OutputType.Count -eq 0 } | ForEach-Object Name");
        Assert.Empty(missing);
    }

    public static IEnumerable<object[]> Cmdlets()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "module", "OpenCodeUsage.psd1"));
        var block = manifest[manifest.IndexOf("CmdletsToExport", StringComparison.Ordinal)..];
        block = block[..block.IndexOf(')')];
        return System.Text.RegularExpressions.Regex.Matches(block, "'([^']+)'").Select(m => new object[] { m.Groups[1].Value });
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Help_has_synopsis_description_every_parameter_and_examples(string cmdlet)
    {
        using var engine = new Engine();
        var help = Assert.Single(engine.Run("Get-Help -Name $args[0] -Full", cmdlet));
        Assert.Empty(engine.Errors);
        var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? string.Empty;
        Assert.False(string.IsNullOrWhiteSpace(synopsis));
        Assert.DoesNotContain("[-", synopsis); // PowerShell shows the syntax as synopsis when no help was found

        var description = engine.Run("(Get-Help -Name $args[0] -Full).description | ForEach-Object Text", cmdlet);
        Assert.NotEmpty(string.Join("", description.Select(d => d.ToString())).Trim());

        var parameters = engine.Run(
            "(Get-Command $args[0]).Parameters.Values | Where-Object { $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_.Name -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters } | ForEach-Object Name",
            cmdlet).Select(p => p.ToString()!).ToList();
        Assert.NotEmpty(parameters);
        foreach (var parameter in parameters)
        {
            var text = engine.Run("((Get-Help -Name $args[0] -Parameter $args[1]).description | ForEach-Object Text) -join ''", cmdlet, parameter);
            Assert.False(string.IsNullOrWhiteSpace(text.FirstOrDefault()?.ToString()), $"{cmdlet} -{parameter} has no description");
        }

        var examples = engine.Run("@((Get-Help -Name $args[0] -Full).examples.example).Count", cmdlet);
        Assert.True((int)examples[0].BaseObject >= 2, $"{cmdlet} needs examples");
    }
}
