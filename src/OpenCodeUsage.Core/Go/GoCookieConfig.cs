using System.Text.Json;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Go;

/// <summary>
/// Finds the OpenCode Go cookie: OPENCODE_GO_WORKSPACE_ID and OPENCODE_GO_AUTH_COOKIE win over files; the files
/// are this module's own and the ones other tools already write, first found wins. A file others can read
/// or change is refused, as is one with only one of the two values.
/// </summary>
internal static class GoCookieConfig
{
    public const string WorkspaceVariable = "OPENCODE_GO_WORKSPACE_ID";
    public const string CookieVariable = "OPENCODE_GO_AUTH_COOKIE";
    private const string WorkspaceKey = "workspaceId";
    private const string CookieKey = "authCookie";

    /// <summary>Where Set-OpenCodeGoCookie writes by default: $XDG_CONFIG_HOME/OpenCodeUsage/opencode-go.json.</summary>
    public static string DefaultPath(Func<string, string?> environment) =>
        Path.Combine(OpenCodePaths.ConfigHome(environment), "OpenCodeUsage", "opencode-go.json");

    /// <summary>The files read, in order: ours, then those of tokenmaxxer and opencode-quota.</summary>
    public static IReadOnlyList<string> Files(Func<string, string?> environment)
    {
        var home = OpenCodePaths.Home(environment);
        return
        [
            DefaultPath(environment),
            Path.Combine(home, ".claude", ".tokenmaxxer-opencode-go.json"),
            Path.Combine(OpenCodePaths.ConfigDirectory(environment), "opencode-quota", "opencode-go.json"),
            Path.Combine(home, ".opencode", "opencode-quota", "opencode-go.json"),
        ];
    }

    /// <summary>The cookie, or an exception with one of the ids GoCookieNeeded, GoConfigInsecure, GoConfigIncomplete, GoConfigInvalid.</summary>
    /// <param name="explicitPath">A file the user named: read alone, the environment variables left aside.</param>
    public static GoCookie Load(Func<string, string?> environment, string? explicitPath, ActivityLog log)
    {
        if (explicitPath is not null)
        {
            if (!File.Exists(explicitPath))
            {
                throw new OpenCodeUsageException("GoCookieNeeded", FailureKind.NotFound,
                    $"The OpenCode Go cookie file '{explicitPath}' does not exist. Run Set-OpenCodeGoCookie -Path '{explicitPath}' to create it.", explicitPath);
            }

            return Complete(ReadFile(explicitPath, log), null, null, explicitPath);
        }

        var workspace = environment(WorkspaceVariable) is { Length: > 0 } w ? w : null;
        var cookie = environment(CookieVariable) is { Length: > 0 } c ? c : null;
        if (workspace is not null && cookie is not null)
        {
            log.Say($"Using the OpenCode Go cookie from {CookieVariable} and the workspace from {WorkspaceVariable}.");
            return Complete((null, null), workspace, cookie, WorkspaceVariable);
        }

        var files = Files(environment);
        if (files.FirstOrDefault(File.Exists) is { } file)
        {
            return Complete(ReadFile(file, log), workspace, cookie, file);
        }

        if (workspace is not null || cookie is not null)
        {
            return Complete((null, null), workspace, cookie, workspace is null ? CookieVariable : WorkspaceVariable);
        }

        throw new OpenCodeUsageException("GoCookieNeeded", FailureKind.NotFound,
            $"No OpenCode Go cookie was found: {WorkspaceVariable} and {CookieVariable} are not set, and none of " +
            $"{string.Join(", ", files.Select(f => $"'{f}'"))} exists. Run Set-OpenCodeGoCookie to save one.",
            files[0]);
    }

    private static GoCookie Complete((string? Workspace, string? Cookie) file, string? envWorkspace, string? envCookie, string target)
    {
        var workspace = envWorkspace ?? file.Workspace;
        var cookie = envCookie ?? file.Cookie;
        if (workspace is null || cookie is null)
        {
            var missing = workspace is null ? $"the workspace id ({WorkspaceKey} or {WorkspaceVariable})" : $"the cookie ({CookieKey} or {CookieVariable})";
            throw new OpenCodeUsageException("GoConfigIncomplete", FailureKind.InvalidData,
                $"The OpenCode Go cookie configuration from '{target}' lacks {missing}; both are needed. Run Set-OpenCodeGoCookie to save both.", target);
        }

        if (!WorkspaceId.TryParse(workspace, out var id))
        {
            throw new OpenCodeUsageException("GoConfigInvalid", FailureKind.InvalidData,
                $"The workspace id from '{target}' is neither a workspace id nor a https://opencode.ai/workspace/<id>/go URL.", target);
        }

        return new GoCookie(id, cookie, envCookie is not null ? CookieVariable : $"{target}#{CookieKey}");
    }

    private static (string? Workspace, string? Cookie) ReadFile(string path, ActivityLog log)
    {
        if (PrivateFile.UnixMode(path) is { } mode && PrivateFile.OthersMayAccess(mode))
        {
            throw new OpenCodeUsageException("GoConfigInsecure", FailureKind.Insecure,
                $"The OpenCode Go cookie file '{path}' can be read or changed by other users (mode {Octal(mode)}), so it is not used. " +
                $"Run: chmod 600 {path}", path);
        }

        log.Say($"Reading the OpenCode Go cookie file '{path}'.");
        byte[] json;
        try
        {
            json = RegularFile.ReadAllBytes(path, RegularFile.ConfigCap);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException("GoConfigInvalid", FailureKind.ReadFailed, $"The OpenCode Go cookie file '{path}' could not be read: {ex.Message}", path, ex);
        }

        using var document = Jsonc.Parse(json, path, "GoConfigInvalid", "The OpenCode Go cookie file");
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new OpenCodeUsageException("GoConfigInvalid", FailureKind.InvalidData,
                $"The OpenCode Go cookie file '{path}' is not a JSON object with {WorkspaceKey} and {CookieKey}.", path);
        }

        static string? Value(JsonElement root, string name) => Jsonc.String(root, name) is { Length: > 0 } v ? v : null;
        return (Value(document.RootElement, WorkspaceKey), Value(document.RootElement, CookieKey));
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    /// <summary>The cookie as a credential, for listings.</summary>
    public static FoundCredential ToFound(GoCookie cookie) =>
        new("opencode-go", CredentialType.Cookie, CredentialOrigin.GoCookie, cookie.CookieSource, cookie.Cookie) { AccountId = cookie.WorkspaceId };
}
