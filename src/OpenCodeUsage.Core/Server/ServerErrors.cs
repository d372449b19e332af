namespace OpenCodeUsage.Server;

/// <summary>The one set of error ids every command that talks to <c>opencode serve</c> reports its failures under.</summary>
public static class ServerErrors
{
    /// <summary>Not an http(s) address, or a user name or password inside it.</summary>
    public const string UriInvalid = "ServerUriInvalid";

    /// <summary>A password would go over plain http to another machine.</summary>
    public const string UriInsecure = "ServerUriInsecure";

    /// <summary>The server could not be reached, or answered 502/503/504.</summary>
    public const string Unavailable = "ServerUnavailable";

    /// <summary>The server refused the credentials (401, 403).</summary>
    public const string AuthenticationFailed = "ServerAuthenticationFailed";

    /// <summary>A reply body past the client's bound.</summary>
    public const string ReplyTooLarge = "ServerReplyTooLarge";

    /// <summary>The address answers, but not as an OpenCode server of either generation.</summary>
    public const string NotOpenCode = "ServerNotOpenCode";

    /// <summary>The server answered a request with an error (an unknown session or request, a bad body).</summary>
    public const string RequestFailed = "ServerRequestFailed";

    /// <summary>No OpenCode background service registration (service.json) where it is looked for.</summary>
    public const string ServiceNotFound = "ServiceNotFound";

    /// <summary>A service registration that is not a regular file this user alone may change, or too large to be one.</summary>
    public const string ServiceFileUntrusted = "ServiceFileUntrusted";

    /// <summary>A service registration that is not what OpenCode writes (not JSON, no http(s) url, no pid) or cannot be read.</summary>
    public const string ServiceFileInvalid = "ServiceFileInvalid";
}
