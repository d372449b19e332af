using OpenCodeUsage.Stats;
using Xunit;

namespace OpenCodeUsage.Tests.Stats;

/// <summary>The statistics file is written only where a regular file is or may be: never over a device, FIFO or socket.</summary>
public sealed class StatsTargetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-stats-target-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public void A_FIFO_is_not_replaced()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        using var fifo = new Fifo(Path.Combine(_dir, "stats.json"));
        var error = Assert.Throws<OpenCodeUsageException>(() => GnomeStats.Write(fifo.Path, "{}"u8.ToArray()));
        Assert.Equal("StatsWriteFailed", error.ErrorId);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
        // Still the FIFO (a regular file put in its place would hold the 2 bytes written).
        Assert.Equal(0, new FileInfo(fifo.Path).Length);
    }

    [SkippableFact]
    public void A_link_to_a_device_is_not_replaced()
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        // /dev/full itself is never put at risk: a link to /dev/null stands for it (a rename would replace the link).
        var link = Path.Combine(_dir, "stats.json");
        File.CreateSymbolicLink(link, "/dev/null");
        var error = Assert.Throws<OpenCodeUsageException>(() => GnomeStats.Write(link, "{}"u8.ToArray()));
        Assert.Equal("StatsWriteFailed", error.ErrorId);
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_regular_file_or_a_new_one_is_written()
    {
        var existing = Path.Combine(_dir, "old.json");
        File.WriteAllText(existing, "old");
        GnomeStats.Write(existing, "{}"u8.ToArray());
        Assert.Equal("{}", File.ReadAllText(existing));
        var fresh = Path.Combine(_dir, "sub", "new.json");
        GnomeStats.Write(fresh, "{}"u8.ToArray());
        Assert.Equal("{}", File.ReadAllText(fresh));
    }
}
