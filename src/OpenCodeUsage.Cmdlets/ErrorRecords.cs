using System.Management.Automation;

namespace OpenCodeUsage.Commands;

/// <summary>Maps Core's failures to PowerShell error records with stable ids, categories and targets.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(OpenCodeUsageException failure) =>
        new(failure, failure.ErrorId, Category(failure.Kind), failure.Target);

    public static ErrorCategory Category(FailureKind kind) => kind switch
    {
        FailureKind.NotFound => ErrorCategory.ObjectNotFound,
        FailureKind.ReadFailed => ErrorCategory.ReadError,
        FailureKind.InvalidData => ErrorCategory.InvalidData,
        FailureKind.Unavailable => ErrorCategory.ResourceUnavailable,
        FailureKind.InvalidArgument => ErrorCategory.InvalidArgument,
        FailureKind.AuthenticationFailed => ErrorCategory.AuthenticationError,
        FailureKind.PermissionDenied => ErrorCategory.PermissionDenied,
        FailureKind.Insecure => ErrorCategory.SecurityError,
        FailureKind.WriteFailed => ErrorCategory.WriteError,
        _ => ErrorCategory.NotSpecified,
    };
}
