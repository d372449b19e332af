using OpenCodeUsage.Go;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Credentials;

/// <summary>
/// Every credential OpenCode and the quota check can use, and which of them each actually uses. For running
/// a provider OpenCode prefers auth.json, then its config, then the environment. For the Go quota the order
/// is OPENCODE_API_KEY, the config's opencode apiKey, auth.json's opencode-go then opencode API key, and
/// only when none is found, the Go cookie.
/// </summary>
public static class CredentialCatalog
{
    public static IReadOnlyList<Credential> Find(CredentialQuery query, Func<string, string?> environment,
        ReadDiagnostics diagnostics, ActivityLog log)
    {
        var found = Read(environment, query.Directory, withCatalogue: true, diagnostics, log);
        try
        {
            found.Add(GoCookieConfig.ToFound(GoCookieConfig.Load(environment, explicitPath: null, log)));
        }
        catch (OpenCodeUsageException ex) when (ex.ErrorId == "GoCookieNeeded")
        {
            log.Say("No OpenCode Go cookie is configured.");
        }
        catch (OpenCodeUsageException ex)
        {
            diagnostics.Fail(ex);
        }

        var roles = Roles(found);
        var now = DateTimeOffset.UtcNow;
        return Enumerable.Range(0, found.Count)
            .Where(i => query.ProviderFilter is null || query.ProviderFilter(found[i].ProviderId))
            .OrderBy(i => found[i].ProviderId, StringComparer.Ordinal)
            .ThenBy(i => found[i].Origin)
            .ThenBy(i => found[i].Rank)
            .Select(i => SecretText.ToCredential(found[i], roles[i], now))
            .ToList();
    }

    /// <summary>The API key the Go quota check uses, or null when there is none (then the cookie is tried).</summary>
    internal static FoundCredential? GoQuotaKey(Func<string, string?> environment, string? directory, ReadDiagnostics diagnostics, ActivityLog log)
    {
        // The models.json catalogue only adds other providers' variables: not needed to find OpenCode's own key.
        var found = Read(environment, directory, withCatalogue: false, diagnostics, log);
        return TrackingIndex(found) is { } i ? found[i] : null;
    }

    private static List<FoundCredential> Read(Func<string, string?> environment, string? directory, bool withCatalogue,
        ReadDiagnostics diagnostics, ActivityLog log)
    {
        var table = CredentialTable.Read(environment, diagnostics, log);
        var auth = AuthFile.Read(environment, diagnostics, log);
        return
        [
            .. table,
            .. auth.Where(a => !CredentialTable.Imported(a, table)),
            .. ConfigApiKeys.Read(environment, directory, diagnostics, log),
            .. ProviderEnvironment.Read(environment, withCatalogue, diagnostics, log),
        ];
    }

    private static CredentialRole[] Roles(List<FoundCredential> found)
    {
        var roles = new CredentialRole[found.Count];
        var delegation = Enumerable.Range(0, found.Count)
            .Where(i => found[i].Origin != CredentialOrigin.GoCookie)
            .GroupBy(i => found[i].ProviderId, StringComparer.Ordinal)
            .Select(g => g.OrderBy(i => found[i].Origin).ThenBy(i => found[i].Rank).First());
        foreach (var i in delegation)
        {
            roles[i] |= CredentialRole.Delegation;
        }

        var tracking = TrackingIndex(found) ?? found.FindIndex(f => f.Origin == CredentialOrigin.GoCookie);
        if (tracking >= 0)
        {
            roles[tracking] |= CredentialRole.Tracking;
        }

        return roles;
    }

    /// <summary>The Go quota key's index in OpenCode's documented order, or null.</summary>
    private static int? TrackingIndex(IReadOnlyList<FoundCredential> found)
    {
        int? First(Func<FoundCredential, bool> match) =>
            Enumerable.Range(0, found.Count).Where(i => match(found[i])).OrderBy(i => found[i].Rank).Cast<int?>().FirstOrDefault();

        return First(f => f.Origin == CredentialOrigin.Environment && f.Source == ProviderEnvironment.OpenCodeApiKey)
            ?? First(f => f.Origin == CredentialOrigin.Config && f.ProviderId == "opencode")
            ?? First(f => f.Origin is CredentialOrigin.Store or CredentialOrigin.Auth && f.Active != false && f.ProviderId == "opencode-go" && f.Type == CredentialType.Api)
            ?? First(f => f.Origin is CredentialOrigin.Store or CredentialOrigin.Auth && f.Active != false && f.ProviderId == "opencode" && f.Type == CredentialType.Api);
    }
}
