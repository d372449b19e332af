using System.Diagnostics;
using OpenCodeUsage.Server;

namespace OpenCodeUsage.Delegation;

/// <summary>What one task on a server got to before it ended, and the result it makes.</summary>
internal sealed class ServerRun
{
    public DateTimeOffset Started { get; init; }
    public required Stopwatch Clock { get; init; }
    public string? SessionId { get; set; }
    public string? ForkedFrom { get; set; }
    public HashSet<string> Before { get; set; } = new(StringComparer.Ordinal);
    public IReadOnlyList<ServerMessage> Messages { get; set; } = [];

    /// <summary>The session's own totals, where the server keeps them (2.x); they win over the sum of the steps.</summary>
    public StepUsage? Totals { get; set; }

    /// <summary>The permissions (and <see cref="RejectedRequests.Question"/> for questions) rejected during the run, in order.</summary>
    public List<string> Rejected { get; } = [];

    /// <summary>What making the warm session cost, on the run that made it.</summary>
    public decimal? WarmSessionCost { get; set; }

    /// <summary>"aborted" (1.x) or "interrupted" (2.x), for the error text.</summary>
    public string StoppedAs { get; set; } = "aborted";

    public string? LastRetry { get; set; }
    public bool TimedOut { get; set; }
    public bool Cancelled { get; set; }
    public ServerException? Failure { get; set; }

    public DelegateResult ToResult(DelegateTask task, Uri server)
    {
        var assistant = Messages.Where(m => m.IsAssistant).ToList();
        var usage = default(StepUsage);
        foreach (var message in assistant)
        {
            usage.Add(message.Tokens, message.Cost, message.OutputExcludesReasoning);
        }

        if (Totals is { } totals)
        {
            totals.Steps = usage.Steps;
            usage = totals;
        }

        var (status, kind, error) = Classify(assistant);
        var first = assistant.FirstOrDefault();
        var asked = task.SplitModel();
        return new DelegateResult
        {
            SessionId = SessionId,
            ForkedFrom = ForkedFrom,
            Directory = task.Directory,
            Server = server,
            ProviderId = first?.ProviderId ?? asked?.ProviderId,
            ModelId = first?.ModelId ?? asked?.ModelId,
            Variant = first?.Variant ?? task.Variant,
            Agent = first?.Agent ?? task.Agent,
            Prompt = task.Prompt,
            Text = assistant.LastOrDefault(m => m.Texts.Count > 0) is { } answer ? string.Join("\n\n", answer.Texts) : null,
            Status = status,
            FailureKind = kind,
            Error = error,
            Steps = usage.Steps,
            InputTokens = usage.Input,
            OutputTokens = usage.Output,
            ReasoningTokens = usage.Reasoning,
            CacheReadTokens = usage.CacheRead,
            CacheWriteTokens = usage.CacheWrite,
            TotalTokens = usage.Total,
            Cost = usage.Cost,
            WarmSessionCost = WarmSessionCost,
            Started = Started,
            Duration = Clock.Elapsed,
        };
    }

    private (DelegateStatus, DelegateFailureKind, string?) Classify(List<ServerMessage> assistant)
    {
        if (Cancelled)
        {
            return (DelegateStatus.Cancelled, DelegateFailureKind.Cancelled, $"Stopped; the session was {StoppedAs}.");
        }

        if (TimedOut)
        {
            var error = $"OpenCode did not finish in time; the session was {StoppedAs}.";
            var kind = LastRetry is null ? DelegateFailureKind.Timeout : FailureClassifier.Classify(null, LastRetry, null);
            return kind is DelegateFailureKind.Timeout or DelegateFailureKind.Unknown or DelegateFailureKind.ProviderError
                ? (DelegateStatus.TimedOut, DelegateFailureKind.Timeout, error)
                : (DelegateStatus.TimedOut, kind, $"{error} The provider kept failing: {LastRetry}");
        }

        if (Failure is not null)
        {
            return (DelegateStatus.Failed, Failure.Kind, Failure.Message);
        }

        if (assistant.LastOrDefault(m => m.Error is not null) is { Error: { } failed })
        {
            return (DelegateStatus.Failed, failed.Kind, failed.Message);
        }

        // As `opencode run` reports it: a rejected request fails the run, whatever the model said afterwards.
        if (RejectedRequests.Classify(Rejected) is { } rejected)
        {
            return rejected;
        }

        return assistant.Count == 0
            ? (DelegateStatus.Failed, DelegateFailureKind.NoOutput, "OpenCode finished without answering.")
            : assistant.All(m => m.Texts.All(string.IsNullOrWhiteSpace))
                ? (DelegateStatus.Failed, DelegateFailureKind.NoOutput, "OpenCode finished without an answer: the model replied with no text.")
                : (DelegateStatus.Succeeded, DelegateFailureKind.None, null);
    }
}
