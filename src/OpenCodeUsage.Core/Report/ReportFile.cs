using System.Text;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Report;

/// <summary>Writes the report: owner-only (it holds session titles and project names) and atomically, never half a page.</summary>
public static class ReportFile
{

    public static void Write(string path, string html)
    {
        try
        {
            // Only a regular file is replaced: the rename would put a file in place of a device node, FIFO or socket.
            RegularFile.EnsureRegular(path);
            PrivateFile.Write(path, stream => stream.Write(new UTF8Encoding(false).GetBytes(html)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotRegularFileException)
        {
            throw new OpenCodeUsageException("ReportWriteFailed", FailureKind.WriteFailed, $"Writing the report '{path}' failed: {ex.Message}", path, ex);
        }
    }
}
