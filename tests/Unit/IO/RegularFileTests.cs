using OpenCodeUsage.IO;
using Xunit;

namespace OpenCodeUsage.Tests.IO;

/// <summary>The one reader of files: whole regular files up to a cap, nothing else, and never past a cancellation.</summary>
public sealed class RegularFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-regular-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FileOf(int length)
    {
        var path = Path.Combine(_dir, $"f{length}.bin");
        File.WriteAllBytes(path, Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray());
        return path;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(300_000)]
    public void A_regular_file_is_read_whole_up_to_its_cap(int length)
    {
        var path = FileOf(length);
        Assert.Equal(File.ReadAllBytes(path), RegularFile.ReadAllBytes(path, length));
        if (length > 0)
        {
            Assert.Throws<FileTooLargeException>(() => RegularFile.ReadAllBytes(path, length - 1));
        }
    }

    [SkippableTheory]
    [InlineData("/dev/zero", "a character device")]
    [InlineData("/dev/null", "a character device")]
    [InlineData("/tmp", "a directory")]
    public void Anything_but_a_regular_file_is_refused_by_name(string path, string what)
    {
        Skip.IfNot(OperatingSystem.IsLinux());
        var error = Assert.Throws<NotRegularFileException>(() => RegularFile.ReadAllBytes(path, 1 << 20));
        Assert.Contains(what, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_link_to_a_regular_file_is_read_and_a_link_to_a_device_is_not()
    {
        Skip.If(OperatingSystem.IsWindows());
        var target = FileOf(10);
        var link = Path.Combine(_dir, "link");
        File.CreateSymbolicLink(link, target);
        Assert.Equal(10, RegularFile.ReadAllBytes(link, 100).Length);
        File.Delete(link);
        File.CreateSymbolicLink(link, "/dev/zero");
        Assert.ThrowsAny<IOException>(() => RegularFile.ReadAllBytes(link, 100));
    }

    [Fact]
    public void A_missing_file_is_FileNotFound_and_a_cancelled_read_stops()
    {
        Assert.Throws<FileNotFoundException>(() => RegularFile.ReadAllBytes(Path.Combine(_dir, "missing"), 10));
        Assert.Throws<OperationCanceledException>(() => RegularFile.ReadAllBytes(FileOf(100), 1000, new CancellationToken(canceled: true)));
    }
}
