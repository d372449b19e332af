using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace OpenCodeUsage.IO;

/// <summary>
/// Files only their owner may read: created owner-only from their first byte (mode 0600 on Unix, an ACL for
/// the current user alone on Windows) and replaced atomically, so no reader ever sees a half-written file and
/// no other user ever gets a window to open it.
/// </summary>
internal static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OthersReadWrite = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>: into a new owner-only file beside it,
    /// flushed to disk, then moved over the old one. If anything fails before the move, the old file is untouched.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerReadWrite | UnixFileMode.UserExecute);
            }
        }

        RemoveLeftovers(directory, Path.GetFileName(path));
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = Create(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            // The original failure is what matters; a temp file that cannot be removed is only litter.
            try
            {
                File.Delete(temp);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
            }

            throw;
        }
    }

    /// <summary>How old a temporary file must be before it counts as left by a killed write rather than one under way.</summary>
    internal static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Deletes temporary files a killed write of <paramref name="fileName"/> left behind: ours (".name.guid.tmp") and
    /// those of earlier versions ("name.guid.tmp"), once old enough that no write can still be using them.
    /// </summary>
    private static void RemoveLeftovers(string directory, string fileName)
    {
        try
        {
            var cutoff = DateTime.UtcNow - LeftoverAge;
            foreach (var pattern in new[] { $".{fileName}.*.tmp", $"{fileName}.*.tmp" })
            {
                foreach (var file in Directory.EnumerateFiles(directory, pattern))
                {
                    if (File.GetLastWriteTimeUtc(file) < cutoff)
                    {
                        File.Delete(file);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Litter only: the write goes on.
        }
    }

    /// <summary>The file's Unix mode; null on Windows, where access is an ACL.</summary>
    public static UnixFileMode? UnixMode(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);

    /// <summary>Whether group or others may read or write a file of this mode.</summary>
    public static bool OthersMayAccess(UnixFileMode mode) => (mode & OthersReadWrite) != 0;

    private static FileStream Create(string path) => OperatingSystem.IsWindows()
        ? CreateForCurrentUser(path)
        // The mode is given to open(2) itself: there is no moment, not even before a chmod, when others could open it.
        : new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            // Read too, so a writer can checksum what it wrote before the rename.
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            UnixCreateMode = OwnerReadWrite,
        });

    [SupportedOSPlatform("windows")]
    private static FileStream CreateForCurrentUser(string path)
    {
        var security = new FileSecurity();
        // Protected: nothing inherited from the folder, so the one rule below is the whole ACL.
        security.SetAccessRuleProtection(isProtected: true, preserveInheritance: false);
        using var identity = WindowsIdentity.GetCurrent();
        security.AddAccessRule(new FileSystemAccessRule(identity.User!, FileSystemRights.FullControl, AccessControlType.Allow));
        return new FileInfo(path).Create(FileMode.CreateNew, FileSystemRights.FullControl, FileShare.None, 4096, FileOptions.None, security);
    }
}
