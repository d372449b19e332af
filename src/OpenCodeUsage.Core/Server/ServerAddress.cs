namespace OpenCodeUsage.Server;

/// <summary>
/// The address rules every command that talks to <c>opencode serve</c> keeps: an absolute http(s) address, no
/// user or password inside it (addresses are shown in messages and logs), and a password only over https or to
/// a loopback address (Basic auth is plain text on the wire).
/// </summary>
public static class ServerAddress
{
    /// <summary>The address as a base for relative routes (path ending in '/', no query); ServerUriInvalid otherwise.</summary>
    public static Uri Check(Uri uri)
    {
        if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            var shown = ServerAddressText.WithoutCredentials(uri);
            throw new OpenCodeUsageException(ServerErrors.UriInvalid, FailureKind.InvalidArgument,
                $"'{shown}' is not the http or https address of an OpenCode server (e.g. http://127.0.0.1:4096).", shown);
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new OpenCodeUsageException(ServerErrors.UriInvalid, FailureKind.InvalidArgument,
                "Give the server's user and password with -Credential, not inside the address.", uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped));
        }

        var builder = new UriBuilder(uri) { Query = string.Empty, Fragment = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }

        return builder.Uri;
    }

    /// <summary>ServerUriInsecure when a password would cross the network in the clear.</summary>
    public static void RequireSafeForPassword(Uri uri)
    {
        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new OpenCodeUsageException(ServerErrors.UriInsecure, FailureKind.InvalidArgument,
                $"'{uri}' uses plain http to another machine; the server password is only sent over https or to a loopback address.",
                uri.OriginalString);
        }
    }
}
