using OpenCodeUsage.Credentials;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Go;

/// <summary>
/// OpenCode Go quota, one row per window: from the official endpoint with an API key, else from the console
/// page with the Go cookie, with the local database's spend beside it.
/// </summary>
public static class GoQuotaReport
{
    public static IReadOnlyList<GoQuota> Get(GoQuotaQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        ActivityLog log, CancellationToken cancellationToken) =>
        Get(query, environment, diagnostics, log, GoHttpSettings.Default, cancellationToken);

    internal static IReadOnlyList<GoQuota> Get(GoQuotaQuery query, Func<string, string?> environment, ReadDiagnostics diagnostics,
        ActivityLog log, GoHttpSettings settings, CancellationToken cancellationToken)
    {
        // Checked before any credential is read, so a plain-http URI fails before a secret is at hand.
        using var http = new GoHttp(query.BaseUri, settings, log);
        var key = query.CookiePath is null ? CredentialCatalog.GoQuotaKey(environment, query.Directory, diagnostics, log) : null;
        GoUsage usage;
        if (key is not null)
        {
            log.Say($"Asking {http.Resolve(GoUsageClient.UsagePath)} with the OpenCode API key from {key.Source}.");
            usage = GoUsageClient.FromApi(http, key, cancellationToken);
        }
        else
        {
            var cookie = LoadCookie(query, environment, log);
            log.Say($"Asking the OpenCode console for workspace {cookie.WorkspaceId} with the Go cookie from {cookie.CookieSource}.");
            usage = GoUsageClient.FromCookie(http, cookie, DateTimeOffset.UtcNow, cancellationToken);
        }

        var now = DateTimeOffset.UtcNow;
        var rows = LocalSpend.Combine(usage, query.DataPaths, environment, diagnostics, log, now, cancellationToken);
        Remember(rows, now, environment, diagnostics);
        return rows;
    }

    /// <summary>Keeps the reading in the history, and warns where it disagrees with the window's earlier readings.</summary>
    private static void Remember(IReadOnlyList<GoQuota> rows, DateTimeOffset now, Func<string, string?> environment, ReadDiagnostics diagnostics)
    {
        GoQuotaHistory.Append(rows, now, environment, diagnostics.Warn);
        foreach (var sample in GoQuotaHistory.Read(environment).Where(s => s.Time == now && s.Disagrees))
        {
            diagnostics.Warn(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"The {sample.Window} window's {sample.PercentUsed}% and the local opencode-go spend of ${sample.LocalCost:0.####} imply a limit of ${sample.ImpliedLimitLow:0.##} to ${sample.ImpliedLimitHigh:0.##}, which earlier readings of this window rule out (more than the percent's ±0.5% explains): usage from elsewhere, or counted otherwise. Get-OpenCodeGoQuota -History shows the readings."));
        }
    }

    private static GoCookie LoadCookie(GoQuotaQuery query, Func<string, string?> environment, ActivityLog log)
    {
        try
        {
            return GoCookieConfig.Load(environment, query.CookiePath, log);
        }
        catch (OpenCodeUsageException ex) when (ex.ErrorId == "GoCookieNeeded" && query.CookiePath is null)
        {
            // Neither source is there: say both, so the user can choose.
            throw new OpenCodeUsageException(ex.ErrorId, ex.Kind,
                $"No OpenCode API key was found ({ProviderEnvironment.OpenCodeApiKey}, provider.opencode.options.apiKey in OpenCode's config, " +
                "or an opencode-go or opencode key in auth.json from `opencode auth login`). " + ex.Message, ex.Target);
        }
    }
}
