namespace OpenCodeUsage.Go;

/// <summary>The OpenCode console cookie and the workspace it opens, with where each came from.</summary>
internal sealed record GoCookie(string WorkspaceId, string Cookie, string CookieSource)
{
    public override string ToString() => $"workspace {WorkspaceId}, cookie from {CookieSource}";
}
