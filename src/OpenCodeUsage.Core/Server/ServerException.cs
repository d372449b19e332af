namespace OpenCodeUsage.Server;

/// <summary>
/// The OpenCode server could not do what was asked. <see cref="ErrorId"/> is the stable id every cmdlet reports
/// it under; <see cref="Kind"/> is what a delegated run's result says.
/// </summary>
internal sealed class ServerException(DelegateFailureKind kind, string message, string errorId = ServerErrors.RequestFailed) : Exception(message)
{
    public DelegateFailureKind Kind { get; } = kind;

    /// <summary>ServerUnavailable, ServerAuthenticationFailed, ServerReplyTooLarge, ServerNotOpenCode or ServerRequestFailed.</summary>
    public string ErrorId { get; } = errorId;

    public FailureKind Category => ErrorId switch
    {
        ServerErrors.AuthenticationFailed => FailureKind.AuthenticationFailed,
        ServerErrors.Unavailable => FailureKind.Unavailable,
        ServerErrors.ReplyTooLarge or ServerErrors.NotOpenCode => FailureKind.InvalidData,
        _ => Kind == DelegateFailureKind.SessionNotFound ? FailureKind.NotFound : FailureKind.ReadFailed,
    };

    public OpenCodeUsageException ToUsageException(string target) => new(ErrorId, Category, Message, target);
}
