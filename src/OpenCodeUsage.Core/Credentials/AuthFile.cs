using System.Text;
using System.Text.Json;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// OpenCode's own credentials: &lt;data dir&gt;/auth.json, keyed by provider id, or the JSON text of
/// OPENCODE_AUTH_CONTENT, which replaces the file entirely as it does in OpenCode.
/// </summary>
internal static class AuthFile
{
    public const string ContentVariable = "OPENCODE_AUTH_CONTENT";

    public static string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(OpenCodePaths.DataDirectory(environment), "auth.json");

    /// <summary>Every usable entry; a file that cannot be read or parsed becomes one failure in <paramref name="diagnostics"/>.</summary>
    public static IReadOnlyList<FoundCredential> Read(Func<string, string?> environment, ReadDiagnostics diagnostics, ActivityLog log)
    {
        string label;
        byte[] json;
        if (environment(ContentVariable) is { Length: > 0 } content)
        {
            log.Say($"Reading OpenCode's credentials from {ContentVariable}, which replaces auth.json.");
            label = ContentVariable;
            json = Encoding.UTF8.GetBytes(content);
        }
        else
        {
            label = DefaultPath(environment);
            if (!File.Exists(label))
            {
                log.Say($"OpenCode has no credentials file at '{label}'.");
                return [];
            }

            log.Say($"Reading OpenCode's credentials from '{label}'.");
            if (SecretFile.ReadAllBytes(label, "AuthFileUnreadable", diagnostics) is not { } bytes)
            {
                return [];
            }

            json = bytes;
        }

        try
        {
            using var document = Jsonc.Parse(json, label, "AuthFileInvalid", "The credentials file");
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Fail(new OpenCodeUsageException("AuthFileInvalid", FailureKind.InvalidData,
                    $"The credentials file '{label}' is not a JSON object keyed by provider id.", label));
                return [];
            }

            return document.RootElement.EnumerateObject()
                .Select(entry => Entry(entry, label, log))
                .OfType<FoundCredential>()
                .ToList();
        }
        catch (OpenCodeUsageException ex)
        {
            diagnostics.Fail(ex);
            return [];
        }
        catch (InvalidOperationException)
        {
            // Thrown when a string is read: bytes that are not UTF-8, or a lone surrogate escape. The parser's
            // message quotes the bytes, which may be part of a secret, so it is left out.
            diagnostics.Fail(new OpenCodeUsageException("AuthFileInvalid", FailureKind.InvalidData,
                $"The credentials file '{label}' holds text that is not valid UTF-8.", label));
            return [];
        }
    }

    private static FoundCredential? Entry(JsonProperty entry, string label, ActivityLog log)
    {
        var source = $"{label}#{entry.Name}";
        var type = Jsonc.String(entry.Value, "type");
        // The secret of each type is the value OpenCode sends: the key, the OAuth access token, the well-known token.
        var (kind, secret) = type switch
        {
            "api" => (CredentialType.Api, Jsonc.String(entry.Value, "key")),
            "oauth" => (CredentialType.OAuth, Jsonc.String(entry.Value, "access")),
            "wellknown" => (CredentialType.WellKnown, Jsonc.String(entry.Value, "token")),
            _ => (CredentialType.Api, (string?)null),
        };
        if (string.IsNullOrEmpty(secret))
        {
            log.Say(type is "api" or "oauth" or "wellknown"
                ? $"Skipped '{source}': its {type} entry holds no secret."
                : $"Skipped '{source}': its type '{type}' is not one OpenCode writes.");
            return null;
        }

        return new FoundCredential(entry.Name, kind, CredentialOrigin.Auth, source, secret)
        {
            Expires = kind == CredentialType.OAuth && entry.Value.TryGetProperty("expires", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var ms)
                ? Time.FromUnixMilliseconds(ms)
                : null,
            AccountId = Jsonc.String(entry.Value, "accountId"),
            Refresh = kind == CredentialType.OAuth ? Jsonc.String(entry.Value, "refresh") : null,
        };
    }
}
