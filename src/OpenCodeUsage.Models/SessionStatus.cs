namespace OpenCodeUsage;

/// <summary>What a session is doing now.</summary>
public enum SessionStatus
{
    /// <summary>Not known: nothing says (a session without replies read from a server that does not list it).</summary>
    Unknown,

    /// <summary>Nothing running; waiting for the next prompt.</summary>
    Idle,

    /// <summary>A reply (1.x assistant message, 2.x step) is still being written.</summary>
    Busy,

    /// <summary>Stopped until someone allows or denies a tool call (only a server knows).</summary>
    WaitingPermission,

    /// <summary>Stopped until someone answers the agent's question (only a server knows).</summary>
    WaitingQuestion,

    /// <summary>The provider failed and OpenCode waits to try again (only a server knows).</summary>
    Retrying,

    /// <summary>The last reply ended in an error (not an abort).</summary>
    Error,
}
