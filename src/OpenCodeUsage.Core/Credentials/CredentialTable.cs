using System.Text.Json;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// OpenCode 2.x's credentials: the <c>credential</c> table of its database (id, integration_id, label, value JSON
/// <c>{type:"key", key}</c> or <c>{type:"oauth", methodID, refresh, access, expires}</c>, method_id, active), read
/// through the one SQLite read path. An integration may hold several accounts; the active one is what 2.x uses.
/// </summary>
internal static class CredentialTable
{
    public static IReadOnlyList<FoundCredential> Read(Func<string, string?> environment, ReadDiagnostics diagnostics, ActivityLog log)
    {
        var found = new List<FoundCredential>();
        IReadOnlyList<DataSource> sources;
        try
        {
            sources = DataLocator.Resolve(null, environment);
        }
        catch (OpenCodeUsageException ex) when (ex.Kind == FailureKind.NotFound)
        {
            return found; // no OpenCode data yet: auth.json and the rest still count
        }

        foreach (var database in sources.SelectMany(s => s.Databases))
        {
            try
            {
                using var db = SqliteReadSession.Open(database, snapshot: false);
                if (!db.Schema.HasAll("credential", "integration_id", "value"))
                {
                    continue;
                }

                log.Say($"Reading OpenCode's credentials from the credential table of '{database}'.");
                string C(string column) => db.Schema.ColumnOrNull("credential", column);
                var rank = 0;
                db.Query($"SELECT {C("id")}, integration_id, {C("label")}, value, {C("active")} FROM credential ORDER BY rowid", r =>
                {
                    if (r.IsDBNull(1) || r.IsDBNull(3))
                    {
                        return;
                    }

                    var active = !r.IsDBNull(4) && r.GetInt64(4) != 0;
                    var label = r.IsDBNull(2) ? (r.IsDBNull(0) ? "?" : r.GetString(0)) : r.GetString(2);
                    var source = $"{database}#credential/{label}";
                    if (Entry(r.GetString(1), r.GetString(3), source, active, rank++, log) is { } credential)
                    {
                        found.Add(credential);
                    }
                });
            }
            catch (OpenCodeUsageException ex)
            {
                diagnostics.Fail(ex);
            }
        }

        return found;
    }

    private static FoundCredential? Entry(string integration, string value, string source, bool active, int rank, ActivityLog log)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                log.Say($"Skipped '{source}': its value is not a JSON object.");
                return null;
            }

            var type = Jsonc.String(root, "type");
            var (kind, secret) = type switch
            {
                "key" or "api" => (CredentialType.Api, Jsonc.String(root, "key")),
                "oauth" => (CredentialType.OAuth, Jsonc.String(root, "access")),
                "wellknown" => (CredentialType.WellKnown, Jsonc.String(root, "token")),
                _ => (CredentialType.Api, (string?)null),
            };
            if (string.IsNullOrEmpty(secret))
            {
                log.Say($"Skipped '{source}': its {type} value holds no secret OpenCode sends.");
                return null;
            }

            // The active account is the one 2.x uses: it ranks first among its integration's.
            return new FoundCredential(integration, kind, CredentialOrigin.Store, source, secret, active ? rank : 1_000_000 + rank)
            {
                Expires = kind == CredentialType.OAuth && root.TryGetProperty("expires", out var expires) && expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var ms)
                    ? Time.FromUnixMilliseconds(ms)
                    : null,
                AccountId = Jsonc.String(root, "accountId"),
                Refresh = kind == CredentialType.OAuth ? Jsonc.String(root, "refresh") : null,
                Active = active,
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The parser's message may quote the secret's bytes: it is left out.
            log.Say($"Skipped '{source}': its value is not valid JSON.");
            return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="entry"/> (auth.json) is one 2.x imported into the table: same provider and the same key,
    /// or for OAuth the same access or refresh token (a refresh in 2.x leaves auth.json's copy behind).
    /// </summary>
    public static bool Imported(FoundCredential entry, IEnumerable<FoundCredential> table) =>
        table.Any(t => t.ProviderId == entry.ProviderId && t.Type == entry.Type
                       && (t.Secret == entry.Secret || (entry.Refresh is { } refresh && t.Refresh == refresh)));
}
