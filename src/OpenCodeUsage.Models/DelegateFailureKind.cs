namespace OpenCodeUsage;

/// <summary>Why a delegated run did not succeed, told from OpenCode's error names, messages, HTTP statuses and exit code.</summary>
public enum DelegateFailureKind
{
    /// <summary>The run succeeded.</summary>
    None,

    /// <summary>The provider rejected the credentials (401, 403, a bad API key).</summary>
    AuthFailed,

    /// <summary>The provider answered 429 / rate limit; OpenCode retries these, so it usually shows as a timeout.</summary>
    RateLimited,

    /// <summary>No credit, quota or billing left (402, insufficient_quota).</summary>
    QuotaExceeded,

    /// <summary>The provider could not be reached or was overloaded (5xx, connection refused); OpenCode retries these too.</summary>
    ProviderUnavailable,

    /// <summary>The provider rejected the request for another reason (another 4xx).</summary>
    ProviderError,

    /// <summary>The prompt and history no longer fit the model's context window.</summary>
    ContextOverflow,

    /// <summary>A permission was rejected, or the OpenCode executable may not be run.</summary>
    PermissionDenied,

    /// <summary>The agent asked the user a question that a non-interactive run could not answer.</summary>
    QuestionUnanswered,

    /// <summary>OpenCode does not know the requested provider/model.</summary>
    ModelNotFound,

    /// <summary>The session to continue or fork does not exist.</summary>
    SessionNotFound,

    /// <summary>OpenCode aborted the message (MessageAbortedError).</summary>
    Aborted,

    /// <summary>-TimeoutSec passed with no more specific cause known.</summary>
    Timeout,

    /// <summary>Stopped by Ctrl+C.</summary>
    Cancelled,

    /// <summary>OpenCode exited with an error code and no error event.</summary>
    ProcessFailed,

    /// <summary>OpenCode exited without error but printed no step of work, or the answer was empty.</summary>
    NoOutput,

    /// <summary>The OpenCode server (-Server) could not be reached or answered with a server error.</summary>
    ServerUnavailable,

    /// <summary>The OpenCode server (-Server) rejected the credentials.</summary>
    ServerAuthFailed,

    /// <summary>OpenCode printed an output line past the size cap; it was cut, so the run's events are incomplete.</summary>
    OutputTooLarge,

    /// <summary>A failure OpenCode did not explain.</summary>
    Unknown,
}
