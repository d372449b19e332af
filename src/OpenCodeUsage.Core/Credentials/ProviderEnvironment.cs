using System.Text.Json;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// Provider keys in environment variables: each provider's "env" list in OpenCode's cached models.json. As in
/// OpenCode, the first variable of a provider's list that is set is the one used.
/// </summary>
internal static class ProviderEnvironment
{
    /// <summary>OpenCode's own key; read even without models.json, since the quota check needs it.</summary>
    public const string OpenCodeApiKey = "OPENCODE_API_KEY";

    public static IReadOnlyList<FoundCredential> Read(Func<string, string?> environment, bool withCatalogue,
        ReadDiagnostics diagnostics, ActivityLog log)
    {
        var found = new List<FoundCredential>();
        if (environment(OpenCodeApiKey) is { Length: > 0 } openCodeKey)
        {
            found.Add(new FoundCredential("opencode", CredentialType.Api, CredentialOrigin.Environment, OpenCodeApiKey, openCodeKey));
        }

        if (!withCatalogue)
        {
            return found;
        }

        var path = OpenCodePaths.ModelsCache(environment);
        if (!File.Exists(path))
        {
            log.Say($"OpenCode's model catalogue '{path}' does not exist, so provider environment variables other than {OpenCodeApiKey} are not known.");
            return found;
        }

        log.Say($"Reading provider environment variables from '{path}'.");
        if (SecretFile.ReadAllBytes(path, "ModelsCacheUnreadable", diagnostics) is not { } json)
        {
            return found;
        }

        try
        {
            using var document = Jsonc.Parse(json, path, "ModelsCacheInvalid", "OpenCode's model catalogue");
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return found;
            }

            foreach (var provider in document.RootElement.EnumerateObject())
            {
                if (provider.Value.ValueKind != JsonValueKind.Object || !provider.Value.TryGetProperty("env", out var names) ||
                    names.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                var rank = 0;
                foreach (var name in names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!))
                {
                    if (environment(name) is { Length: > 0 } value &&
                        !found.Exists(f => f.ProviderId == provider.Name && f.Source == name))
                    {
                        found.Add(new FoundCredential(provider.Name, CredentialType.Api, CredentialOrigin.Environment, name, value, rank));
                    }

                    rank++;
                }
            }
        }
        catch (OpenCodeUsageException ex)
        {
            diagnostics.Fail(ex);
        }

        return found;
    }
}
