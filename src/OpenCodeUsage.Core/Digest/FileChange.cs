using System.Runtime.InteropServices;

namespace OpenCodeUsage.Digest;

/// <summary>
/// The inode and status-change time (ctime) of a file, where the platform tells them (Linux, through statx).
/// Unlike the modification time, ctime cannot be set back by a restore tool (cp -p, rsync -a, touch): any
/// write, rename or copy onto the path moves it, so a replaced or restored database is always seen.
/// </summary>
internal static partial class FileChange
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>(inode, ctime in nanoseconds), or (0, 0) where unknown.</summary>
    public static (ulong Inode, long Changed) Of(string path)
    {
        if (s_unavailable)
        {
            return (0, 0);
        }

        // struct statx is laid out the same on every Linux architecture: ino at 32, ctime at 96.
        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return (0, 0);
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true; // an old C library without statx
            return (0, 0);
        }

        var inode = BitConverter.ToUInt64(buffer[32..40]);
        var seconds = BitConverter.ToInt64(buffer[96..104]);
        var nanoseconds = BitConverter.ToUInt32(buffer[104..108]);
        return (inode, seconds * 1_000_000_000L + nanoseconds);
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);
}
