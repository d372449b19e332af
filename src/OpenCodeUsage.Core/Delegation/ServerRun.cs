using System.Diagnostics;
using System.Text.Json;
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
            usage.Add(Element(message, "tokens"), Element(message, "cost"));
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
            ProviderId = first?.Get("providerID") ?? asked?.ProviderId,
            ModelId = first?.Get("modelID") ?? asked?.ModelId,
            Variant = first?.Get("variant") ?? task.Variant,
            Agent = first?.Get("agent") ?? first?.Get("mode") ?? task.Agent,
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
            Started = Started,
            Duration = Clock.Elapsed,
        };
    }

    private (DelegateStatus, DelegateFailureKind, string?) Classify(List<ServerMessage> assistant)
    {
        if (Cancelled)
        {
            return (DelegateStatus.Cancelled, DelegateFailureKind.Cancelled, "Stopped; the session was aborted.");
        }

        if (TimedOut)
        {
            const string error = "OpenCode did not finish in time; the session was aborted.";
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

        return assistant.Count == 0
            ? (DelegateStatus.Failed, DelegateFailureKind.NoOutput, "OpenCode finished without answering.")
            : (DelegateStatus.Succeeded, DelegateFailureKind.None, null);
    }

    private static JsonElement Element(ServerMessage message, string name) =>
        message.Info[name] is { } node ? JsonSerializer.SerializeToElement(node) : default;
}
