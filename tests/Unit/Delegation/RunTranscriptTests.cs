using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>The JSON events and the log of real OpenCode runs, read as a delegated run reads them.</summary>
public sealed class RunTranscriptTests
{
    [Fact]
    public void A_plain_run_gives_its_session_answer_tokens_and_cost()
    {
        var events = CapturedRun.Events("success-smart");
        Assert.Equal("ses_de4d04ea9ffeLLvJkDVav6l6kZ", events.SessionId);
        Assert.Equal("Hi! This is a deterministic reply from mock-smart. You said: say hello", events.Text);
        var usage = events.Usage;
        Assert.Equal(1, usage.Steps);
        Assert.Equal(0.007707m, usage.Cost);
        Assert.Equal(usage.Input + usage.Output, usage.Total);
        Assert.Empty(events.Errors);
    }

    [Fact]
    public void Reasoning_and_cache_tokens_are_kept_apart_and_output_excludes_reasoning()
    {
        var usage = CapturedRun.Events("fork-reason").Usage;
        Assert.Equal((1440L, 36L, 26L, 1439L, 0L, 2941L), (usage.Input, usage.Output, usage.Reasoning, usage.CacheRead, usage.CacheWrite, usage.Total));
        Assert.Equal(0.0094695m, usage.Cost);
        var anthropic = CapturedRun.Events("anthropic").Usage;
        Assert.Equal(798, anthropic.CacheWrite);
    }

    [Fact]
    public void A_run_of_several_steps_sums_them_and_answers_with_the_last_text()
    {
        var events = CapturedRun.Events("subagent");
        Assert.Equal(2, events.Usage.Steps);
        Assert.Equal(0.002497m + 0.0014571m, events.Usage.Cost);
        Assert.Equal(1, events.ToolCalls);
        Assert.Equal("Done. The subagent finished its work and reported back.", events.Text);
    }

    [Fact]
    public void A_part_reported_twice_counts_once_and_other_lines_are_ignored()
    {
        var events = new RunTranscript();
        var lines = File.ReadAllLines(Path.Combine(CapturedRun.Directory, "success-smart.jsonl"));
        foreach (var line in lines.Concat(lines).Prepend("Resolving dependencies").Append("{not json").Append("[1]"))
        {
            events.Feed(line);
        }

        Assert.Equal(1, events.Usage.Steps);
        Assert.Equal(0.007707m, events.Usage.Cost);
    }

    [Fact]
    public void The_log_names_the_model_and_agent_the_session_really_used()
    {
        Assert.Equal(("mock", "mock-smart", "build"), CapturedRun.Log("success-smart").ModelOf("ses_de4d04ea9ffeLLvJkDVav6l6kZ"));
        Assert.Equal(("mock", "mock-reason", "plan"), CapturedRun.Log("fork-reason").ModelOf(CapturedRun.Events("fork-reason").SessionId!));
        // The subagent's own calls and the title call do not count for the main session.
        Assert.Equal(("mock", "mock-fast", "build"), CapturedRun.Log("subagent").ModelOf("ses_de4d02fb7ffeITBZ27jxHXq51E"));
        var fallback = CapturedRun.Log("agent-fallback");
        Assert.Equal("build", fallback.ModelOf(CapturedRun.Events("agent-fallback").SessionId!)?.Agent);
        Assert.Equal(["agent \"nosuchagent\" not found. Falling back to default agent"], fallback.Warnings);
    }

    [Fact]
    public void The_log_names_the_runs_session_before_any_event_and_ignores_subagent_sessions()
    {
        Assert.Equal("ses_de4cf40e1ffeCM0GLEg7K1rFkz", CapturedRun.Log("rate-limited-timeout").CreatedSession);
        Assert.Equal("ses_de4d02fb7ffeITBZ27jxHXq51E", CapturedRun.Log("subagent").CreatedSession);
        Assert.Equal(CapturedRun.Events("fork-reason").SessionId, CapturedRun.Log("fork-reason").CreatedSession);
    }

    [Fact]
    public void Logfmt_values_keep_quotes_spaces_and_escapes()
    {
        var fields = RunLog.Logfmt("timestamp=x level=ERROR message=\"stream error\" error.error=\"AI_APICallError: said \\\"no\\\"\\nagain\" empty=");
        Assert.Equal("stream error", fields["message"]);
        Assert.Equal("AI_APICallError: said \"no\"\nagain", fields["error.error"]);
        Assert.Equal(string.Empty, fields["empty"]);
        Assert.Equal(("AI_APICallError", "said \"no\"\nagain"), RunLog.SplitError(fields["error.error"]));
    }

    [Fact]
    public void Notices_are_bounded_and_lose_their_colours()
    {
        var log = new RunLog();
        for (var i = 0; i < 100; i++)
        {
            log.Feed($"\u001b[91m\u001b[1mError: \u001b[0mline {i}");
        }

        Assert.Equal(RunLog.MaxNotices, log.Notices.Count);
        Assert.Equal("Error: line 99", log.Notices[^1]);
    }
}
