namespace OpenCodeUsage.IO;

/// <summary>
/// Replaces a file atomically: a temporary file beside it (a dot name ending in .tmp, which neither the GNOME
/// extension nor node_exporter's textfile collector reads), flushed, then renamed over the old one, so a reader
/// never sees half a file. Readable as any new file is (the umask's mode): these files are meant for other readers.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, byte[] content, string errorId)
    {
        try
        {
            // Only a regular file is replaced: the rename below would put a file in place of a device node
            // (/dev/full), a FIFO or a socket, or of a link to one.
            RegularFile.EnsureRegular(path);
        }
        catch (NotRegularFileException ex)
        {
            throw new OpenCodeUsageException(errorId, FailureKind.WriteFailed, $"Writing '{path}' failed: {ex.Message}", path, ex);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Nothing more to do: the error below says what failed.
            }

            throw new OpenCodeUsageException(errorId, FailureKind.WriteFailed, $"Writing '{path}' failed: {ex.Message}", path, ex);
        }
    }
}
