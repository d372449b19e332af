using System.Text;
using System.Text.Json;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// API keys in OpenCode's config files (provider.&lt;id&gt;.options.apiKey), after OpenCode's substitutions, from
/// every file OpenCode merges for the current directory and OPENCODE_CONFIG_CONTENT. Where several set a key
/// for the same provider, the one merged last wins, as in OpenCode.
/// </summary>
internal static class ConfigApiKeys
{
    public const string ContentVariable = "OPENCODE_CONFIG_CONTENT";

    public static IReadOnlyList<FoundCredential> Read(Func<string, string?> environment, string? directory,
        ReadDiagnostics diagnostics, ActivityLog log)
    {
        var sources = OpenCodePaths.ConfigFiles(environment, directory)
            .Select(path => (Label: path, BaseDirectory: Path.GetDirectoryName(path)!, Json: (byte[]?)null))
            .ToList();
        if (environment(ContentVariable) is { Length: > 0 } content)
        {
            sources.Add((ContentVariable, directory ?? Environment.CurrentDirectory, Encoding.UTF8.GetBytes(content)));
        }

        var found = new List<FoundCredential>();
        for (var i = 0; i < sources.Count; i++)
        {
            var (label, baseDirectory, json) = sources[i];
            log.Say($"Reading provider keys from the OpenCode config '{label}'.");
            json ??= SecretFile.ReadAllBytes(label, "ConfigFileUnreadable", diagnostics);
            if (json is null)
            {
                continue;
            }

            try
            {
                // Later sources override earlier ones, so the last file ranks first.
                found.AddRange(Keys(json, label, baseDirectory, rank: sources.Count - i, environment, log));
            }
            catch (OpenCodeUsageException ex)
            {
                diagnostics.Fail(ex);
            }
            catch (InvalidOperationException)
            {
                // A string that is not valid UTF-8 (or a lone surrogate escape); its bytes may be a secret, so not quoted.
                diagnostics.Fail(new OpenCodeUsageException("ConfigFileInvalid", FailureKind.InvalidData,
                    $"The OpenCode config '{label}' holds text that is not valid UTF-8.", label));
            }
        }

        return found;
    }

    private static List<FoundCredential> Keys(byte[] json, string label, string baseDirectory, int rank,
        Func<string, string?> environment, ActivityLog log)
    {
        using var document = Jsonc.Parse(json, label, "ConfigFileInvalid", "The OpenCode config");
        var found = new List<FoundCredential>();
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("provider", out var providers) || providers.ValueKind != JsonValueKind.Object)
        {
            return found;
        }

        foreach (var provider in providers.EnumerateObject())
        {
            if (provider.Value.ValueKind != JsonValueKind.Object || !provider.Value.TryGetProperty("options", out var options) ||
                Jsonc.String(options, "apiKey") is not { } raw)
            {
                continue;
            }

            var placeholders = ConfigSubstitution.Placeholders(raw);
            var source = $"{label}#provider.{provider.Name}.options.apiKey" + (placeholders.Count == 0 ? string.Empty : $" ({string.Join(", ", placeholders)})");
            var key = ConfigSubstitution.Apply(raw, label, baseDirectory, environment);
            if (key.Length == 0)
            {
                log.Say($"Skipped '{source}': it resolves to an empty value.");
                continue;
            }

            found.Add(new FoundCredential(provider.Name, CredentialType.Api, CredentialOrigin.Config, source, key, rank));
        }

        return found;
    }
}
