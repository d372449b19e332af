using OpenCodeUsage.IO;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>Reads a file that may hold secrets; an unreadable one becomes a failure naming only its path.</summary>
internal static class SecretFile
{
    public static byte[]? ReadAllBytes(string path, string errorId, ReadDiagnostics diagnostics)
    {
        try
        {
            return RegularFile.ReadAllBytes(path, RegularFile.RecordCap);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Fail(new OpenCodeUsageException(errorId, FailureKind.ReadFailed, $"'{path}' could not be read: {ex.Message}", path, ex));
            return null;
        }
    }
}
