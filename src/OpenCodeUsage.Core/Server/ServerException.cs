namespace OpenCodeUsage.Server;

/// <summary>
/// The OpenCode server could not do what was asked. <see cref="ErrorId"/> is the stable id every cmdlet reports
/// it under; <see cref="Kind"/> is what a delegated run's result says.
/// </summary>
internal sealed class ServerException(DelegateFailureKind kind, string message, string errorId = "ServerRequestFailed") : Exception(message)
{
    public DelegateFailureKind Kind { get; } = kind;

    /// <summary>ServerUnavailable, ServerAuthenticationFailed, ServerReplyTooLarge, ServerNotOpenCode or ServerRequestFailed.</summary>
    public string ErrorId { get; } = errorId;

    public FailureKind Category => ErrorId switch
    {
        "ServerAuthenticationFailed" => FailureKind.AuthenticationFailed,
        "ServerUnavailable" => FailureKind.Unavailable,
        "ServerReplyTooLarge" or "ServerNotOpenCode" => FailureKind.InvalidData,
        _ => Kind == DelegateFailureKind.SessionNotFound ? FailureKind.NotFound : FailureKind.ReadFailed,
    };

    public OpenCodeUsageException ToUsageException(string target) => new(ErrorId, Category, Message, target);
}
