using System.Net;
using System.Text;
using OpenCodeUsage.Credentials;

namespace OpenCodeUsage.Go;

/// <summary>The two ways to ask OpenCode for Go usage, and what each answer means.</summary>
internal static class GoUsageClient
{
    public const string UsagePath = "zen/go/v1/usage";

    /// <summary>The official endpoint, with an OpenCode API key as Bearer token.</summary>
    public static GoUsage FromApi(GoHttp http, FoundCredential key, CancellationToken cancellationToken)
    {
        CheckHeaderSafe(key.Secret, key.Source);
        var reply = http.Get(UsagePath, "application/json", h => h.TryAddWithoutValidation("Authorization", "Bearer " + key.Secret), cancellationToken);
        var uri = http.Resolve(UsagePath).ToString();
        return reply.Status switch
        {
            HttpStatusCode.OK => GoUsageParser.ParseApi(reply.Body)
                ?? throw new OpenCodeUsageException("GoQuotaUnavailable", FailureKind.Unavailable,
                    $"OpenCode Go usage is unavailable: {uri} answered 200 without the expected usage JSON (usage.rolling, weekly or monthly with a percent).", uri),
            HttpStatusCode.Unauthorized => throw new OpenCodeUsageException("GoAuthFailed", FailureKind.AuthenticationFailed,
                $"OpenCode rejected the API key from {key.Source} (401 Unauthorized). Check the key, or log in again with `opencode auth login`.", key.Source),
            HttpStatusCode.Forbidden when Mentions(reply, "EntitlementError") => throw new OpenCodeUsageException("GoNotSubscribed", FailureKind.PermissionDenied,
                $"The workspace of the API key from {key.Source} has no OpenCode Go subscription (403 EntitlementError).", key.Source),
            HttpStatusCode.Forbidden => throw new OpenCodeUsageException("GoAuthFailed", FailureKind.AuthenticationFailed,
                $"OpenCode refused the API key from {key.Source} (403 Forbidden).", key.Source),
            _ => throw Unexpected(reply, uri),
        };
    }

    /// <summary>The console's Go page, with the browser's auth cookie; only pages that still render usage on the server answer.</summary>
    public static GoUsage FromCookie(GoHttp http, GoCookie cookie, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = $"workspace/{Uri.EscapeDataString(cookie.WorkspaceId)}/go";
        CheckHeaderSafe(cookie.Cookie, cookie.CookieSource);
        var reply = http.Get(path, "text/html", h => h.TryAddWithoutValidation("Cookie", "auth=" + cookie.Cookie), cancellationToken);
        var uri = http.Resolve(path).ToString();
        var status = (int)reply.Status;
        if (reply.Status == HttpStatusCode.OK)
        {
            return GoUsageParser.ParsePage(reply.Body, cookie.WorkspaceId, now)
                ?? throw new OpenCodeUsageException("GoQuotaUnavailable", FailureKind.Unavailable,
                    $"OpenCode Go usage is unavailable: the console page {uri} no longer carries usage data (it became a client-side shell in late 2026). " +
                    "Use an OpenCode API key instead: set OPENCODE_API_KEY or run `opencode auth login`.", uri);
        }

        // The console sends a signed-out browser to its login page: the cookie expired or is wrong.
        if (reply.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || status is >= 300 and < 400)
        {
            throw new OpenCodeUsageException("GoAuthFailed", FailureKind.AuthenticationFailed,
                $"OpenCode did not accept the Go cookie from {cookie.CookieSource} for workspace {cookie.WorkspaceId} " +
                $"({status}{(reply.Location is { } to ? $", redirected to {to.GetLeftPart(UriPartial.Path)}" : string.Empty)}). " +
                "It may have expired: copy a fresh 'auth' cookie from the browser and run Set-OpenCodeGoCookie.", cookie.CookieSource);
        }

        throw Unexpected(reply, uri);
    }

    /// <summary>
    /// A secret must be plain visible ASCII to go into a header. Checked here because HttpClient's own
    /// validation errors quote the header value, and that value is the secret.
    /// </summary>
    private static void CheckHeaderSafe(string secret, string source)
    {
        if (!IsHeaderSafe(secret))
        {
            throw new OpenCodeUsageException("GoAuthFailed", FailureKind.AuthenticationFailed,
                $"The credential from {source} contains spaces, line breaks or non-ASCII characters, so it cannot be a valid OpenCode key or cookie.", source);
        }
    }

    internal static bool IsHeaderSafe(string secret) => secret.All(c => c is >= '!' and <= '~');

    private static bool Mentions(HttpReply reply, string word) => Encoding.UTF8.GetString(reply.Body).Contains(word, StringComparison.Ordinal);

    private static OpenCodeUsageException Unexpected(HttpReply reply, string uri)
    {
        var status = (int)reply.Status;
        // A redirect is not followed: the credential must not travel to wherever it points.
        var redirect = reply.Location is { } to && status is >= 300 and < 400
            ? $" redirecting to {to.GetLeftPart(UriPartial.Authority)}, which is not followed so the credential is not sent there"
            : string.Empty;
        return new OpenCodeUsageException("GoQuotaUnavailable", FailureKind.Unavailable,
            $"OpenCode Go usage is unavailable: {uri} answered {status} {reply.Status}{redirect}.", uri);
    }
}
