using System.Runtime.InteropServices;

namespace OpenCodeUsage.Tests;

/// <summary>
/// A named pipe nobody writes to: opening it for reading blocks until a writer comes. Disposing it comes as that
/// writer for a moment, so a reader stuck in open(2) (the bug under test) is released rather than left hanging.
/// </summary>
internal sealed class Fifo : IDisposable
{
    public Fifo(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (MakeFifo(path, 0x180 /* 0600 */) != 0)
        {
            throw new IOException($"mkfifo '{path}' failed: {Marshal.GetLastPInvokeError()}");
        }

        Path = path;
    }

    public string Path { get; }

    public void Dispose()
    {
        Release();
        File.Delete(Path);
    }

    /// <summary>Releases a reader waiting in open(2) now, with an EOF.</summary>
    public void Release()
    {
        // O_WRONLY | O_NONBLOCK: fails at once (ENXIO) when no reader waits.
        var fd = Open(Path, 0x1 | 0x800);
        if (fd >= 0)
        {
            Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo(string path, uint mode);

    [DllImport("libc", EntryPoint = "open")]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
