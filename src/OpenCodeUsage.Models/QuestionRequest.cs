namespace OpenCodeUsage;

/// <summary>One question of a <see cref="QuestionRequest"/>, with the choices offered.</summary>
public sealed class QuestionItem
{
    public required string Question { get; init; }
    public string? Header { get; init; }

    /// <summary>The labels of the choices; an answer gives one (or, when Multiple, several) of them.</summary>
    public string[] Options { get; init; } = [];

    public bool Multiple { get; init; }

    /// <summary>Whether a typed answer outside the choices is taken.</summary>
    public bool Custom { get; init; }

    public override string ToString() => Question;
}

/// <summary>The agent's questions waiting for an answer, as a running OpenCode server lists them.</summary>
public sealed class QuestionRequest : PendingRequest
{
    public QuestionItem[] Questions { get; init; } = [];

    /// <summary>The first question's text, for tables.</summary>
    public string? Question => Questions.Length > 0 ? Questions[0].Question : null;
}
