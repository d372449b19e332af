using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>
/// The non-terminating error written beside a delegated run that did not succeed, so scripts get both the typed
/// result and PowerShell's failure signals ($?, -ErrorAction, -ErrorVariable). The result is the error's target.
/// </summary>
internal static class DelegateErrors
{
    public static ErrorRecord For(DelegateResult result)
    {
        var timedOut = result.Status == DelegateStatus.TimedOut;
        var id = timedOut ? ErrorIds.DelegateTimedOut : ErrorIds.DelegateFailed;
        var where = result.SessionId is null ? $"in '{result.Directory}'" : $"in session {result.SessionId}";
        var message = $"OpenCode's run {where} {(timedOut ? "timed out" : "failed")} ({result.FailureKind}): {result.Error}";
        var record = new ErrorRecord(new OpenCodeUsageException(id, FailureKind.Unavailable, message, result), id,
            timedOut ? ErrorCategory.OperationTimeout : Category(result.FailureKind), result);
        if (Advice(result.FailureKind) is { } advice)
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = advice };
        }

        return record;
    }

    private static ErrorCategory Category(DelegateFailureKind kind) => kind switch
    {
        DelegateFailureKind.AuthFailed or DelegateFailureKind.ServerAuthFailed => ErrorCategory.AuthenticationError,
        DelegateFailureKind.RateLimited or DelegateFailureKind.QuotaExceeded or DelegateFailureKind.ContextOverflow => ErrorCategory.LimitsExceeded,
        DelegateFailureKind.ProviderUnavailable or DelegateFailureKind.ServerUnavailable => ErrorCategory.ResourceUnavailable,
        DelegateFailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        DelegateFailureKind.QuestionUnanswered => ErrorCategory.OperationStopped,
        DelegateFailureKind.OutputTooLarge => ErrorCategory.LimitsExceeded,
        DelegateFailureKind.ModelNotFound or DelegateFailureKind.SessionNotFound => ErrorCategory.ObjectNotFound,
        DelegateFailureKind.Timeout => ErrorCategory.OperationTimeout,
        DelegateFailureKind.Cancelled or DelegateFailureKind.Aborted => ErrorCategory.OperationStopped,
        DelegateFailureKind.NoOutput => ErrorCategory.InvalidResult,
        _ => ErrorCategory.NotSpecified,
    };

    private static string? Advice(DelegateFailureKind kind) => kind switch
    {
        DelegateFailureKind.AuthFailed => "Check the provider's key or login: Get-OpenCodeCredential, or 'opencode auth login'.",
        DelegateFailureKind.RateLimited => "Wait and retry, or lower -ThrottleLimit.",
        DelegateFailureKind.QuotaExceeded => "Add credit or quota with the provider, or pick another model with -Model.",
        DelegateFailureKind.ContextOverflow => "Use -Fresh, shorten the prompt, or pick a model with a larger context window.",
        DelegateFailureKind.ModelNotFound => "Pass -Model as provider/model, one that 'opencode models' lists.",
        DelegateFailureKind.Timeout => "Raise -TimeoutSec.",
        DelegateFailureKind.ServerAuthFailed => "Pass -Credential with the server's user (usually 'opencode') and its OPENCODE_SERVER_PASSWORD.",
        _ => null,
    };
}
