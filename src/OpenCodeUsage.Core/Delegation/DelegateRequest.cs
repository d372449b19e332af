namespace OpenCodeUsage.Delegation;

/// <summary>One task as the caller gave it: the prompt may still start with directive lines.</summary>
public sealed class DelegateRequest
{
    public required string Prompt { get; init; }

    /// <summary>The project directory, absolute.</summary>
    public required string Directory { get; init; }

    /// <summary>provider/model; wins over a Model: directive.</summary>
    public string? Model { get; init; }

    /// <summary>Wins over a Variant: directive.</summary>
    public string? Variant { get; init; }

    /// <summary>Wins over an Agent: directive.</summary>
    public string? Agent { get; init; }

    /// <summary>The session's title; null for the prompt's first line.</summary>
    public string? Title { get; init; }

    /// <summary>Start a new session instead of forking the directory's warm session.</summary>
    public bool Fresh { get; init; }

    /// <summary>For the whole call, warm-up included; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }
}
