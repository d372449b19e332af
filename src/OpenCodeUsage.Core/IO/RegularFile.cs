using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace OpenCodeUsage.IO;

/// <summary>
/// The one way we read a file: only a regular file (or a link to one), opened so that it can never block, and read
/// up to a cap suited to its kind. A FIFO, a device, a socket or a directory is refused with
/// <see cref="NotRegularFileException"/> and a file past its cap with <see cref="FileTooLargeException"/>; both are
/// <see cref="IOException"/>s, so every caller's handling of an unreadable file covers them.
/// </summary>
/// <remarks>
/// Opening a FIFO for reading blocks until a writer appears, and no cancellation reaches a thread blocked in
/// open(2); so the file is opened with O_NONBLOCK and its type is checked on the open descriptor (statx), which no
/// rename between a check and the open can dodge. On other Unix systems the non-blocking open and the cap still bound
/// every read.
/// </remarks>
internal static partial class RegularFile
{
    /// <summary>Caps by kind: far above any real file of the kind, far below what would exhaust memory.</summary>
    public const long SecretCap = 1 << 20;
    public const long ConfigCap = 16L << 20;
    public const long RecordCap = 64L << 20;
    public const long CacheCap = 4L << 30;

    /// <summary>Opens <paramref name="path"/> for reading, as a regular file or not at all.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 4096)
    {
        if (OperatingSystem.IsWindows())
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize);
            if (!stream.CanSeek)
            {
                stream.Dispose();
                throw new NotRegularFileException(path, "a device or pipe");
            }

            return stream;
        }

        var fd = Open(path, ReadOnlyNonBlocking, 0);
        if (fd < 0)
        {
            throw OpenFailure(path, Marshal.GetLastPInvokeError());
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Kind(handle) is { } kind && kind != Regular)
            {
                throw new NotRegularFileException(path, Describe(kind));
            }

            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens one of our own files (a cache or state file) for reading, only if this user owns it and nobody else may
    /// change it or swap it: neither the file nor its folder is writable by group or others. Anything else is
    /// <see cref="UntrustedFileException"/>: its content might be anyone's, so it is read from its source instead.
    /// </summary>
    public static FileStream OpenOwn(string path, int bufferSize = 4096)
    {
        var stream = OpenRead(path, bufferSize);
        try
        {
            if (CurrentUser is { } me && Facts(stream.SafeFileHandle) is { } file)
            {
                var folder = Facts(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
                var reason = file.Owner != me ? $"it belongs to user {file.Owner}"
                    : (file.Mode & OthersWrite) != 0 ? $"others may write it (mode {Octal(file.Mode)})"
                    : folder is { } f && f.Owner != me && f.Owner != 0 ? $"its folder belongs to user {f.Owner}"
                    : folder is { } g && (g.Mode & OthersWrite) != 0 ? $"others may write its folder (mode {Octal(g.Mode)})"
                    : null;
                if (reason is not null)
                {
                    throw new UntrustedFileException(path, reason);
                }
            }

            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary><see cref="OpenOwn"/>, read whole up to <paramref name="cap"/> bytes.</summary>
    public static byte[] ReadOwn(string path, long cap, CancellationToken cancellationToken = default)
    {
        using var stream = OpenOwn(path, 1);
        return ReadToEnd(stream, path, cap, cancellationToken);
    }

    /// <summary>The whole file, if it is regular and at most <paramref name="cap"/> bytes.</summary>
    public static byte[] ReadAllBytes(string path, long cap, CancellationToken cancellationToken = default)
    {
        using var stream = OpenRead(path, 1);
        return ReadToEnd(stream, path, cap, cancellationToken);
    }

    private static byte[] ReadToEnd(FileStream stream, string path, long cap, CancellationToken cancellationToken)
    {
        // The length is only a hint (the file may grow while read, a device says 0): what is read is what the cap
        // bounds. Sized by the hint, a file read whole needs no copy, which matters across thousands of small files.
        var hint = stream.Length;
        if (hint > cap)
        {
            throw new FileTooLargeException(path, cap);
        }

        var buffer = new byte[hint > 0 ? hint : 4096];
        var total = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (total == buffer.Length)
            {
                // Full: the end, if the file is the length it said; else it goes on, so make room within the cap.
                var next = stream.ReadByte();
                if (next < 0)
                {
                    return buffer;
                }

                if (total >= cap)
                {
                    throw new FileTooLargeException(path, cap);
                }

                Array.Resize(ref buffer, (int)Math.Min(cap, (long)buffer.Length * 2));
                buffer[total++] = (byte)next;
                continue;
            }

            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                return total == buffer.Length ? buffer : buffer[..total];
            }

            total += read;
        }
    }

    /// <summary>The whole file as UTF-8 text (a byte-order mark dropped), if regular and at most <paramref name="cap"/> bytes.</summary>
    public static string ReadAllText(string path, long cap, CancellationToken cancellationToken = default)
    {
        var bytes = ReadAllBytes(path, cap, cancellationToken);
        var span = bytes.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        return System.Text.Encoding.UTF8.GetString(span);
    }

    /// <summary>
    /// Throws <see cref="NotRegularFileException"/> unless <paramref name="path"/> (links followed) is a regular file,
    /// for files another library opens itself (SQLite). Missing files pass: the opener reports those.
    /// </summary>
    public static void EnsureRegular(string path)
    {
        if (Facts(path) is { } facts && facts.Kind != Regular)
        {
            throw new NotRegularFileException(path, Describe(facts.Kind));
        }
    }

    /// <summary>Type, owner and mode of <paramref name="path"/> (links followed); null where unknown or missing.</summary>
    public static FileFacts? Facts(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (Statx(AtFdCwd, path, 0, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return FromStatx(buffer);
    }

    /// <summary>The user this process runs as (effective id); null on Windows.</summary>
    public static uint? CurrentUser => OperatingSystem.IsWindows() ? null : GetEffectiveUserId();

    internal const int Regular = 0x8000;
    private const int TypeMask = 0xF000;
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;

    // O_RDONLY | O_NONBLOCK | O_CLOEXEC, whose values differ between Linux and the BSDs (macOS).
    private static int ReadOnlyNonBlocking => OperatingSystem.IsLinux() ? 0x800 | 0x80000 : 0x4 | 0x1000000;

    private static int? Kind(SafeFileHandle handle) => Facts(handle)?.Kind;

    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>Type, owner and mode of an open file; null where unknown.</summary>
    public static FileFacts? Facts(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[256];
        try
        {
            if (StatxHandle((int)handle.DangerousGetHandle(), "", AtEmptyPath, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }

        return FromStatx(buffer);
    }

    // struct statx is laid out the same on every Linux architecture: uid at 20, mode (u16) at 28, ino at 32.
    private static FileFacts FromStatx(ReadOnlySpan<byte> buffer)
    {
        var mode = BitConverter.ToUInt16(buffer[28..30]);
        return new FileFacts(mode & TypeMask, (UnixFileMode)(mode & 0xFFF), BitConverter.ToUInt32(buffer[20..24]));
    }

    private static string Describe(int kind) => kind switch
    {
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "not a regular file",
    };

    private static Exception OpenFailure(string path, int errno) => errno switch
    {
        2 => new FileNotFoundException($"Could not find file '{path}'.", path),
        20 => new DirectoryNotFoundException($"Could not find a part of the path '{path}'."),
        1 or 13 => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
        6 => new NotRegularFileException(path, "a socket or device without a reader"),
        _ => new IOException($"'{path}' could not be opened: {Marshal.GetPInvokeErrorMessage(errno)}"),
    };

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int StatxHandle(int fd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}

/// <summary>What <see cref="RegularFile.Facts"/> knows of a file: its type bits, permission bits and owner.</summary>
internal readonly record struct FileFacts(int Kind, UnixFileMode Mode, uint Owner)
{
    public bool IsRegular => Kind == RegularFile.Regular;
}

/// <summary>A path that names a FIFO, device, socket or directory where a regular file was expected.</summary>
internal sealed class NotRegularFileException(string path, string what)
    : IOException($"'{path}' is {what}, not a regular file; only regular files are read.")
{
    public string Path { get; } = path;
}

/// <summary>A file larger than any real file of its kind: refused rather than read into memory.</summary>
internal sealed class FileTooLargeException(string path, long cap)
    : IOException($"'{path}' is larger than {cap / (1 << 20)} MB, more than any such file should be; it was not read.")
{
    public string Path { get; } = path;
}

/// <summary>One of our own files that another user owns or may change: not trusted, so not read.</summary>
internal sealed class UntrustedFileException(string path, string reason)
    : IOException($"'{path}' is not trusted and was not used: {reason}.")
{
    public string Path { get; } = path;
}
