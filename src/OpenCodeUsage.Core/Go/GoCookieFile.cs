using System.Net;
using System.Security;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Go;

/// <summary>Saves the Go cookie as {"workspaceId","authCookie"} in an owner-only file, replaced atomically.</summary>
public static class GoCookieFile
{
    /// <summary>Where it goes when no path is given: $XDG_CONFIG_HOME/OpenCodeUsage/opencode-go.json.</summary>
    public static string DefaultPath(Func<string, string?> environment) => GoCookieConfig.DefaultPath(environment);

    /// <summary>The workspace id of an id or a dashboard URL; GoWorkspaceIdInvalid otherwise.</summary>
    public static string ParseWorkspaceId(string text) => WorkspaceId.Parse(text);

    /// <summary>Writes the file and returns the cookie as a credential (Role Tracking: what the quota check falls back to).</summary>
    public static Credential Write(string path, string workspaceId, SecureString cookie)
    {
        var value = Normalize(new NetworkCredential(string.Empty, cookie).Password);
        if (value.Length == 0)
        {
            throw new OpenCodeUsageException("GoCookieEmpty", FailureKind.InvalidArgument,
                "The cookie is empty: copy the value of the 'auth' cookie of opencode.ai from the browser.", path);
        }

        if (!GoUsageClient.IsHeaderSafe(value))
        {
            throw new OpenCodeUsageException("GoCookieInvalid", FailureKind.InvalidArgument,
                "The cookie contains spaces, line breaks or non-ASCII characters, so it cannot be the 'auth' cookie of opencode.ai.", path);
        }

        try
        {
            PrivateFile.Write(path, stream =>
            {
                // Relaxed escaping keeps the cookie byte-for-byte readable by the other tools that share these files.
                using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                writer.WriteStartObject();
                writer.WriteString("workspaceId", workspaceId);
                writer.WriteString("authCookie", value);
                writer.WriteEndObject();
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException("GoConfigWriteFailed", FailureKind.WriteFailed,
                $"The OpenCode Go cookie file '{path}' could not be written: {ex.Message}", path, ex);
        }

        var found = GoCookieConfig.ToFound(new GoCookie(workspaceId, value, $"{path}#authCookie"));
        return SecretText.ToCredential(found, CredentialRole.Tracking, DateTimeOffset.UtcNow);
    }

    /// <summary>The cookie as pasted: surrounding spaces and an "auth=" prefix copied along with it are dropped.</summary>
    private static string Normalize(string pasted)
    {
        var value = pasted.Trim();
        return value.StartsWith("auth=", StringComparison.Ordinal) ? value["auth=".Length..].Trim() : value;
    }
}
