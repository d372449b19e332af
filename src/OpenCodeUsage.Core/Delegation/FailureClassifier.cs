using System.Text.RegularExpressions;

namespace OpenCodeUsage.Delegation;

/// <summary>
/// Tells why a run failed from what OpenCode and the provider said: the error's name (ContextOverflowError,
/// APIError, ProviderModelNotFoundError, MessageAbortedError, …), its HTTP status and its message. Names and
/// statuses are trusted first; messages are matched for the providers that only explain themselves in words.
/// </summary>
public static partial class FailureClassifier
{
    public static DelegateFailureKind Classify(string? name, string? message, int? statusCode)
    {
        name ??= string.Empty;
        message ??= string.Empty;
        if (name == "ContextOverflowError" || ContextOverflow().IsMatch(message))
        {
            return DelegateFailureKind.ContextOverflow;
        }

        if (name == "MessageAbortedError")
        {
            return DelegateFailureKind.Aborted;
        }

        if (name is "ProviderModelNotFoundError" or "ModelNotFoundError" || ModelNotFound().IsMatch(message))
        {
            return DelegateFailureKind.ModelNotFound;
        }

        if (name == "ProviderAuthError" || statusCode is 401 or 403 || AuthFailed().IsMatch(message))
        {
            return DelegateFailureKind.AuthFailed;
        }

        // Before rate limits: OpenAI answers an exhausted quota with 429 insufficient_quota.
        if (statusCode == 402 || QuotaExceeded().IsMatch(message))
        {
            return DelegateFailureKind.QuotaExceeded;
        }

        if (statusCode == 429 || RateLimited().IsMatch(message))
        {
            return DelegateFailureKind.RateLimited;
        }

        if (statusCode >= 500 || Unavailable().IsMatch(message))
        {
            return DelegateFailureKind.ProviderUnavailable;
        }

        if (name.Contains("Permission", StringComparison.Ordinal) || name == "RejectedError" || PermissionDenied().IsMatch(message))
        {
            return DelegateFailureKind.PermissionDenied;
        }

        if (SessionNotFound().IsMatch(message))
        {
            return DelegateFailureKind.SessionNotFound;
        }

        if (name == "APIError" || statusCode is >= 400 and < 500)
        {
            return DelegateFailureKind.ProviderError;
        }

        return DelegateFailureKind.Unknown;
    }

    [GeneratedRegex(@"context[ _]length|maximum context|context window|prompt is too long|too many tokens|input is too long|exceeds the context", RegexOptions.IgnoreCase)]
    private static partial Regex ContextOverflow();

    [GeneratedRegex(@"model not found|unknown model|model .* does not exist|no such model", RegexOptions.IgnoreCase)]
    private static partial Regex ModelNotFound();

    [GeneratedRegex(@"api[ _-]?key|unauthori[sz]ed|authentication|invalid x-api-key|forbidden|not authenticated|invalid token|token (has )?expired", RegexOptions.IgnoreCase)]
    private static partial Regex AuthFailed();

    [GeneratedRegex(@"insufficient[ _](quota|credit|balance|funds)|exceeded your current quota|credit balance|billing|payment required|out of credits|insufficient credits", RegexOptions.IgnoreCase)]
    private static partial Regex QuotaExceeded();

    [GeneratedRegex(@"rate[ _-]?limit|too many requests|usage limit", RegexOptions.IgnoreCase)]
    private static partial Regex RateLimited();

    [GeneratedRegex(@"overloaded|service unavailable|bad gateway|gateway time-?out|cannot connect|unable to connect|econnrefused|econnreset|enotfound|fetch failed|connection (refused|reset|closed)|socket hang up|internal server error", RegexOptions.IgnoreCase)]
    private static partial Regex Unavailable();

    [GeneratedRegex(@"permission.*(denied|rejected)|rejected permission|not permitted", RegexOptions.IgnoreCase)]
    private static partial Regex PermissionDenied();

    [GeneratedRegex(@"session not found", RegexOptions.IgnoreCase)]
    private static partial Regex SessionNotFound();
}
