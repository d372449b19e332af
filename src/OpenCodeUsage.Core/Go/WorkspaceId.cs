using System.Text.RegularExpressions;

namespace OpenCodeUsage.Go;

/// <summary>An OpenCode workspace id, typed as the id itself or as the dashboard URL https://opencode.ai/workspace/&lt;id&gt;/go.</summary>
internal static partial class WorkspaceId
{
    [GeneratedRegex("^[A-Za-z0-9_-]{1,128}$")]
    private static partial Regex Shape();

    public static bool TryParse(string? text, out string id)
    {
        id = string.Empty;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.IndexOf(segments, "workspace");
            text = at >= 0 && at + 1 < segments.Length ? Uri.UnescapeDataString(segments[at + 1]) : null;
        }

        if (text is null || !Shape().IsMatch(text))
        {
            return false;
        }

        id = text;
        return true;
    }

    public static string Parse(string text) => TryParse(text, out var id)
        ? id
        : throw new OpenCodeUsageException("GoWorkspaceIdInvalid", FailureKind.InvalidArgument,
            $"'{text}' is neither an OpenCode workspace id (such as wrk_01ABC…) nor its dashboard URL (https://opencode.ai/workspace/<id>/go).", text);
}
