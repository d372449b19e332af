using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>How real OpenCode runs ended (tests/data/delegate-1.18.33), classified as a delegated run classifies them.</summary>
public sealed class FailureClassifierTests
{
    [Theory]
    [InlineData("success-smart", 0, false, DelegateStatus.Succeeded, DelegateFailureKind.None, null)]
    [InlineData("subagent", 0, false, DelegateStatus.Succeeded, DelegateFailureKind.None, null)]
    [InlineData("api-401", 1, false, DelegateStatus.Failed, DelegateFailureKind.AuthFailed, "Incorrect API key provided")]
    [InlineData("api-402", 1, false, DelegateStatus.Failed, DelegateFailureKind.QuotaExceeded, "Insufficient credits")]
    [InlineData("context-overflow", 1, false, DelegateStatus.Failed, DelegateFailureKind.ContextOverflow, "maximum context length")]
    // The JSON event only says UnknownError with a reference; the log holds ProviderModelNotFoundError under it.
    [InlineData("unknown-model", 1, false, DelegateStatus.Failed, DelegateFailureKind.ModelNotFound, "Model not found: mock/nothing.")]
    [InlineData("session-not-found", 1, false, DelegateStatus.Failed, DelegateFailureKind.SessionNotFound, "Session not found")]
    // OpenCode retries these without end: the kill on timeout is the end, the log tells why.
    [InlineData("rate-limited-timeout", 137, true, DelegateStatus.TimedOut, DelegateFailureKind.RateLimited, "Rate limit reached")]
    [InlineData("unreachable-timeout", 137, true, DelegateStatus.TimedOut, DelegateFailureKind.ProviderUnavailable, "Unable to connect")]
    [InlineData("slow-timeout", 137, true, DelegateStatus.TimedOut, DelegateFailureKind.Timeout, "did not finish in time")]
    public void Real_runs_are_classified_from_their_events_log_and_exit_code(string run, int exitCode, bool timedOut,
        DelegateStatus status, DelegateFailureKind kind, string? says)
    {
        var (actualStatus, actualKind, error) = OutcomeClassifier.Classify(CapturedRun.Outcome(run, exitCode, timedOut));
        Assert.Equal(status, actualStatus);
        Assert.Equal(kind, actualKind);
        if (says is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.Contains(says, error);
        }
    }

    [Fact]
    public void The_session_not_found_refusal_is_recognised_for_replacing_a_warm_session()
    {
        Assert.True(CapturedRun.Outcome("session-not-found", 1).SessionNotFound);
        Assert.False(CapturedRun.Outcome("api-401", 1).SessionNotFound);
    }

    [Fact]
    public void Exits_without_an_error_event_and_without_work_are_failures_too()
    {
        var crashed = new ProcessOutcome(new RunTranscript(), new RunLog(), 2, false, false, null, TimeSpan.Zero);
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.ProcessFailed), Pick(OutcomeClassifier.Classify(crashed)));
        var idle = new ProcessOutcome(new RunTranscript(), new RunLog(), 0, false, false, null, TimeSpan.Zero);
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.NoOutput), Pick(OutcomeClassifier.Classify(idle)));
        var denied = new ProcessOutcome(new RunTranscript(), new RunLog(), null, false, false, "'x' could not be started: Permission denied", TimeSpan.Zero);
        Assert.Equal((DelegateStatus.Failed, DelegateFailureKind.PermissionDenied), Pick(OutcomeClassifier.Classify(denied)));
        var stopped = new ProcessOutcome(new RunTranscript(), new RunLog(), 137, false, true, null, TimeSpan.Zero);
        Assert.Equal((DelegateStatus.Cancelled, DelegateFailureKind.Cancelled), Pick(OutcomeClassifier.Classify(stopped)));
    }

    [Theory]
    [InlineData("APIError", "You exceeded your current quota, please check your plan", 429, DelegateFailureKind.QuotaExceeded)]
    [InlineData("APIError", "Too Many Requests", 429, DelegateFailureKind.RateLimited)]
    [InlineData("APIError", "Overloaded", 529, DelegateFailureKind.ProviderUnavailable)]
    [InlineData("ProviderAuthError", "Missing credentials", null, DelegateFailureKind.AuthFailed)]
    [InlineData("APIError", "invalid x-api-key", 401, DelegateFailureKind.AuthFailed)]
    [InlineData("APIError", "prompt is too long: 210000 tokens > 200000 maximum", 400, DelegateFailureKind.ContextOverflow)]
    [InlineData("APIError", "Invalid value for 'tools'", 400, DelegateFailureKind.ProviderError)]
    [InlineData("MessageAbortedError", "Aborted", null, DelegateFailureKind.Aborted)]
    [InlineData("PermissionRejectedError", "The user rejected permission to use this specific tool call.", null, DelegateFailureKind.PermissionDenied)]
    [InlineData("UnknownError", "Unexpected server error. Check server logs for details.", null, DelegateFailureKind.Unknown)]
    public void Names_statuses_and_provider_words_are_told_apart(string name, string message, int? status, DelegateFailureKind kind) =>
        Assert.Equal(kind, FailureClassifier.Classify(name, message, status));

    private static (DelegateStatus, DelegateFailureKind) Pick((DelegateStatus Status, DelegateFailureKind Kind, string? Error) c) => (c.Status, c.Kind);
}
