using System.Text.RegularExpressions;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>The package's PSGallery tags list the cmdlets the manifest exports, so searches by command find it.</summary>
public sealed class PackagingTests
{
    [Fact]
    public void Nuspec_tags_name_every_exported_cmdlet()
    {
        var manifest = File.ReadAllText(Path.Combine(RepoPaths.Root, "module", "OpenCodeUsage.psd1"));
        var block = manifest[manifest.IndexOf("CmdletsToExport", StringComparison.Ordinal)..];
        var cmdlets = Regex.Matches(block[..block.IndexOf(')')], "'([^']+)'").Select(m => m.Groups[1].Value).Order().ToList();
        var tags = Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging", "OpenCodeUsage.nuspec")), "<tags>(.*)</tags>").Groups[1].Value.Split(' ');
        Assert.Equal(cmdlets, tags.Where(t => t.StartsWith("PSCmdlet_", StringComparison.Ordinal)).Select(t => t["PSCmdlet_".Length..]).Order());
        Assert.Equal(cmdlets, tags.Where(t => t.StartsWith("PSCommand_", StringComparison.Ordinal)).Select(t => t["PSCommand_".Length..]).Order());
    }
}
