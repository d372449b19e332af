namespace OpenCodeUsage;

/// <summary>An answer given to a pending permission request or question (written with -PassThru).</summary>
public sealed class PendingAnswer
{
    public required string RequestId { get; init; }
    public required string SessionId { get; init; }

    /// <summary>Once, Always or Reject for a permission; Reply or Reject for a question.</summary>
    public required string Answer { get; init; }

    /// <summary>What was answered: a rejection's message, or a question's chosen labels.</summary>
    public string? Detail { get; init; }

    public required Uri Server { get; init; }

    public override string ToString() => $"{RequestId}: {Answer}";
}
