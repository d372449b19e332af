namespace OpenCodeUsage;

/// <summary>What happened in an OpenCode session, as Watch-OpenCodeActivity reports it.</summary>
public enum ActivityKind
{
    /// <summary>A new session (a new chat, a subagent's child session or a fork).</summary>
    SessionCreated,

    /// <summary>The session started working: its first activity seen, or the first after it went idle.</summary>
    SessionBusy,

    /// <summary>No activity for -IdleAfter (database), or OpenCode reported the session idle (-Server). Once per idle period.</summary>
    SessionIdle,

    /// <summary>The user (or an orchestrator) sent a prompt: a new user message.</summary>
    Prompt,

    /// <summary>The model began an answer: a new assistant message.</summary>
    MessageStarted,

    /// <summary>A model call (step) began inside an assistant message.</summary>
    StepStarted,

    /// <summary>A tool call was made (pending or running).</summary>
    ToolStarted,

    /// <summary>A tool call finished successfully.</summary>
    ToolCompleted,

    /// <summary>A tool call ended in an error (including a denied permission or an abort).</summary>
    ToolFailed,

    /// <summary>A model call (step) finished: its tokens and cost are on the event, with the session's running totals.</summary>
    StepFinished,

    /// <summary>A text part finished (with -IncludeText; the snippet is in Text).</summary>
    Text,

    /// <summary>A reasoning part finished (with -IncludeText; the snippet is in Text).</summary>
    Reasoning,

    /// <summary>An assistant message completed.</summary>
    MessageCompleted,

    /// <summary>An assistant message ended with an error (Error names it, e.g. MessageAbortedError).</summary>
    MessageFailed,

    /// <summary>OpenCode retries a failed model call (a retry part, or session.status retry with -Server).</summary>
    SessionRetry,

    /// <summary>OpenCode compacted (summarised) the session's history.</summary>
    Compaction,

    /// <summary>The session waits for the user to allow or deny a tool (-Server only).</summary>
    PermissionAsked,

    /// <summary>The user answered a permission request (-Server only).</summary>
    PermissionReplied,

    /// <summary>The session waits for the user to answer a question (-Server only).</summary>
    QuestionAsked,

    /// <summary>The user answered (or dismissed) a question (-Server only).</summary>
    QuestionReplied,

    /// <summary>OpenCode reported an error for the session (-Server only).</summary>
    SessionError,
}
