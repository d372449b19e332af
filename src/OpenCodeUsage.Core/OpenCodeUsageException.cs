namespace OpenCodeUsage;

/// <summary>What kind of failure an <see cref="OpenCodeUsageException"/> reports; the cmdlets map it to an ErrorCategory.</summary>
public enum FailureKind
{
    NotFound,
    ReadFailed,
    InvalidData,
    Unavailable,
    InvalidArgument,
    AuthenticationFailed,
    PermissionDenied,

    /// <summary>A file holding a secret that other users can read or change.</summary>
    Insecure,

    WriteFailed,
}

/// <summary>
/// A failure Core can describe precisely: a stable id for scripts (ErrorRecord.FullyQualifiedErrorId),
/// a kind, and the object it concerns (a path, an id).
/// </summary>
public sealed class OpenCodeUsageException : Exception
{
    public OpenCodeUsageException(string errorId, FailureKind kind, string message, object? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
    }

    public string ErrorId { get; }

    public FailureKind Kind { get; }

    public object? Target { get; }
}
