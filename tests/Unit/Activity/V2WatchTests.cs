using Microsoft.Data.Sqlite;
using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// Watch-OpenCodeActivity on OpenCode 2.x databases (the generated data sets of tests/data/v2), written to as 2.x
/// writes: steps from assistant rows updated in place, tools from their content[], and the steps' figures adding up
/// to OpenCode's own session_v2 totals, usage no row carries included.
/// </summary>
public sealed class V2WatchTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private TempDataSet? _data;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data?.Dispose();
    }

    private FeedReader Watch(string dataSet)
    {
        _data = new TempDataSet(dataSet);
        return new FeedReader(ActivityFeed.Start(new ActivityOptions
        {
            DataPaths = [_data.DataDir],
            UseNotifications = true,
            PollInterval = TimeSpan.FromMilliseconds(200),
            IdleAfter = TimeSpan.FromMinutes(15),
        }, TestEnvironment.Isolated));
    }

    [Theory]
    [InlineData("v2/native")]
    [InlineData("v2/upgraded-columns")]
    public void A_new_sessions_steps_and_tools_add_up_to_its_session_v2_totals(string dataSet)
    {
        using var reader = Watch(dataSet);
        using var writer = new V2DatabaseWriter(_data!.Database);
        var session = writer.NewSession("watched 2.x");
        writer.Prompt(session, "run the tests");
        var first = writer.StepStarted(session);
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        reader.WaitFor(e => e.Kind == ActivityKind.StepStarted && e.MessageId == first, Wait);
        writer.Streaming(session, first, started, "call_1", "bash", "running");
        reader.WaitFor(e => e.Kind == ActivityKind.ToolStarted && e.CallId == "call_1", Wait);
        writer.Streaming(session, first, started, "call_1", "bash", "completed");
        reader.WaitFor(e => e.Kind == ActivityKind.ToolCompleted && e.CallId == "call_1", Wait);
        writer.StepEnded(session, first, started, 1200, 80, 40, 0, 900, 0.008775);
        reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == first, Wait);

        var second = writer.StepStarted(session);
        writer.StepEnded(session, second, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 150, 60, 0, 2000, 120, 0.0024);
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted && e.MessageId == second, Wait);
        writer.Unrowed(session, 300, 12, 0.0003); // the title
        var last = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.SessionId == session && e.MessageId is null, Wait);

        var steps = reader.Events.Where(e => e.Kind == ActivityKind.StepFinished && e.SessionId == session).ToList();
        Assert.Equal(3, steps.Count);
        var own = writer.Totals(session);
        Assert.Equal(own.Input, steps.Sum(e => e.InputTokens));
        Assert.Equal(own.Output, steps.Sum(e => e.OutputTokens));
        Assert.Equal(own.Reasoning, steps.Sum(e => e.ReasoningTokens));
        Assert.Equal(own.CacheRead, steps.Sum(e => e.CacheReadTokens));
        Assert.Equal(own.CacheWrite, steps.Sum(e => e.CacheWriteTokens));
        Assert.Equal((decimal)own.Cost, steps.Sum(e => e.Cost!.Value), 9);
        Assert.Equal(own.Input, last.SessionInputTokens);
        Assert.Equal((decimal)own.Cost, last.SessionCost!.Value, 9);
        Assert.All(steps.Take(2), e => Assert.Equal(("mockant", "claude-mock-sonnet", "build"), (e.ProviderId, e.ModelId, e.Agent)));
        Assert.Equal(40, steps[0].ReasoningTokens);
        Assert.Equal(80, steps[0].OutputTokens); // 2.x output never includes reasoning: nothing is taken off
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.Prompt && e.SessionId == session);
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.ToolStarted);
        Assert.All(reader.Events, e => Assert.Equal(session, e.SessionId)); // the history is not replayed
    }

    [Fact]
    public void A_session_going_idle_in_session_v2_is_one_SessionIdle_with_its_outcome()
    {
        using var reader = Watch("v2/native");
        using var writer = new V2DatabaseWriter(_data!.Database);
        var session = writer.NewSession("goes idle");
        writer.Prompt(session, "hello");
        var step = writer.StepStarted(session);
        writer.StepEnded(session, step, V2DatabaseWriter.Now, 100, 10, 0, 0, 0, 0.001);
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted && e.MessageId == step, Wait);
        var at = writer.Idle(session, "succeeded");

        // Long before -IdleAfter's 15 minutes: the time is OpenCode's own.
        var idle = reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.SessionId == session, Wait);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(at), idle.Time);
        Assert.Equal("succeeded", idle.Detail);
        Assert.Equal("goes idle", idle.SessionTitle);

        // The next turn is SessionBusy again, and its idle one more SessionIdle; an unchanged time_idle never repeats.
        var next = writer.StepStarted(session);
        reader.WaitFor(e => e.Kind == ActivityKind.SessionBusy && e.SessionId == session && e.Time > idle.Time, Wait);
        writer.StepEnded(session, next, V2DatabaseWriter.Now, 100, 10, 0, 0, 0, 0.001);
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted && e.MessageId == next, Wait);
        writer.Idle(session, "interrupted");
        var second = reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle && e.Detail == "interrupted", Wait);
        writer.NewSession("a later write, so the watch reads again");
        reader.WaitFor(e => e.Kind == ActivityKind.SessionCreated && e.SessionTitle == "a later write, so the watch reads again", Wait);
        Assert.Equal(2, reader.Events.Count(e => e.Kind == ActivityKind.SessionIdle));
        Assert.True(second.Time > idle.Time);
    }

    [Fact]
    public void Sessions_already_idle_when_the_watch_starts_report_no_SessionIdle()
    {
        using var reader = Watch("v2/native");
        using var writer = new V2DatabaseWriter(_data!.Database);
        Assert.NotEqual("0", writer.Scalar("SELECT count(*) FROM session_v2 WHERE time_idle IS NOT NULL"));
        var session = writer.NewSession("written after the start");
        reader.WaitFor(e => e.Kind == ActivityKind.SessionCreated && e.SessionId == session, Wait);
        Assert.DoesNotContain(reader.Events, e => e.Kind == ActivityKind.SessionIdle);
    }

    [Fact]
    public void A_step_on_a_session_with_history_continues_from_its_session_v2_totals()
    {
        using var reader = Watch("v2/native");
        using var writer = new V2DatabaseWriter(_data!.Database);
        const string session = "ses_df85dcd7fffflPAz6JnRD0l10V";
        var step = writer.StepStarted(session);
        writer.StepEnded(session, step, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 100, 10, 0, 0, 0, 0.001);
        var finished = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == step, Wait);
        var own = writer.Totals(session);
        Assert.Equal(100, finished.InputTokens);
        Assert.Equal(own.Input, finished.SessionInputTokens);
        Assert.Equal(own.Output, finished.SessionOutputTokens);
        Assert.Equal(own.CacheRead, finished.SessionCacheReadTokens);
        Assert.Equal((decimal)own.Cost, finished.SessionCost!.Value, 9);
    }

    [Fact]
    public void A_migrated_database_reports_2x_steps_once_and_from_session_v2_totals()
    {
        using var reader = Watch("v2/migrated");
        using var writer = new V2DatabaseWriter(_data!.Database);
        var session = writer.Scalar("SELECT v.id FROM session_v2 v JOIN session s ON s.id = v.id ORDER BY v.time_created LIMIT 1");
        var step = writer.StepStarted(session);
        writer.StepEnded(session, step, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 500, 50, 0, 0, 0, 0.005);
        var finished = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == step, Wait);
        var own = writer.Totals(session);
        Assert.Equal(own.Input, finished.SessionInputTokens);
        Assert.Equal((decimal)own.Cost, finished.SessionCost!.Value, 9);
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.StepFinished);
    }

    [Fact]
    public void A_step_of_the_2_0_preview_continues_from_the_sessions_earlier_steps()
    {
        // The preview keeps 1.x session rows and writes steps as session_message rows; the oracle's figure of the session
        // (tests/data/v2/preview-shape/expected-sessions.tsv) is where its running totals must start.
        const string session = "ses_df85dcd7ffffIhrCYBFwLNVoh1";
        using var reader = Watch("v2/preview-shape");
        using var writer = new V2DatabaseWriter(_data!.Database);
        var step = writer.StepStarted(session);
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        reader.WaitFor(e => e.Kind == ActivityKind.StepStarted && e.MessageId == step, Wait); // ended in a later read, in place
        writer.StepEnded(session, step, started, 100, 10, 5, 0, 0, 0.001, content: "[]", totals: false);
        var finished = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == step, Wait);
        Assert.Equal(2240 + 100, finished.SessionInputTokens);
        Assert.Equal(385 + 10, finished.SessionOutputTokens);
        Assert.Equal(375 + 5, finished.SessionReasoningTokens);
        Assert.Equal(7000, finished.SessionCacheReadTokens);
        Assert.Equal(1020, finished.SessionCacheWriteTokens);
        Assert.Equal(0.032625m + 0.001m, finished.SessionCost!.Value, 9);
    }

    [Fact]
    public void A_fork_counts_its_own_steps_only_and_its_copies_for_nobody()
    {
        const string source = "ses_df85dcd7fffflPAz6JnRD0l10V";
        using var reader = Watch("v2/native");
        using var writer = new V2DatabaseWriter(_data!.Database);
        var fork = writer.Fork(source);
        reader.WaitFor(e => e.Kind == ActivityKind.SessionCreated && e.SessionId == fork, Wait);
        var step = writer.StepStarted(fork);
        writer.StepEnded(fork, step, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 70, 7, 0, 700, 0, 0.0007);
        var finished = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == step, Wait);
        Assert.Equal(70, finished.SessionInputTokens);
        Assert.Equal(writer.Totals(fork).Input, finished.SessionInputTokens);
        Assert.Equal(0.0007m, finished.SessionCost!.Value, 9);
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.StepFinished);
        Assert.DoesNotContain(reader.Events, e => e.MessageId?.StartsWith("msg_fork_", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_migration_while_watching_replays_no_history_and_2x_steps_continue_from_the_migrated_totals()
    {
        using var reader = Watch("oc-1.18.33");
        var ddl = File.ReadAllText(Path.Combine(RepoPaths.TestData, "v2", "schema", "2.0-session.sql"))
            .Split(';').Where(sql => sql.Contains("TABLE `session_v2`", StringComparison.Ordinal) || sql.Contains("ON `session_v2`", StringComparison.Ordinal));
        // As v1-migration.bun.ts does: every session into session_v2 with its id and totals summed from its assistant
        // messages, every message into session_message with its id.
        _data!.Execute(string.Join(";", ddl) + """
            ;
            INSERT INTO session_v2 (id, project_id, parent_id, slug, directory, title, version, agent, model, time_created, time_updated,
                                    cost, tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write)
            SELECT s.id, s.project_id, s.parent_id, s.slug, s.directory, s.title, s.version, s.agent, s.model, s.time_created, s.time_updated,
                   coalesce(sum(json_extract(m.data, '$.cost')), 0), coalesce(sum(json_extract(m.data, '$.tokens.input')), 0),
                   coalesce(sum(json_extract(m.data, '$.tokens.output')), 0), coalesce(sum(json_extract(m.data, '$.tokens.reasoning')), 0),
                   coalesce(sum(json_extract(m.data, '$.tokens.cache.read')), 0), coalesce(sum(json_extract(m.data, '$.tokens.cache.write')), 0)
            FROM session s LEFT JOIN message m ON m.session_id = s.id AND json_extract(m.data, '$.role') = 'assistant' GROUP BY s.id;
            INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data)
            SELECT id, session_id, json_extract(data, '$.role'), row_number() OVER (PARTITION BY session_id ORDER BY time_created, id),
                   time_created, time_updated, data FROM message;
            """);
        using var writer = new V2DatabaseWriter(_data.Database);
        var session = writer.Scalar("SELECT id FROM session_v2 WHERE tokens_input > 0 ORDER BY time_created LIMIT 1");
        var step = writer.StepStarted(session);
        writer.StepEnded(session, step, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 40, 4, 0, 0, 0, 0.0004);
        var finished = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.MessageId == step, Wait);
        var own = writer.Totals(session);
        Assert.Equal(own.Input, finished.SessionInputTokens);
        Assert.Equal((decimal)own.Cost, finished.SessionCost!.Value, 9);
        Assert.All(reader.Events, e => Assert.Equal(session, e.SessionId)); // the migration's copies are history
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.StepFinished);
    }
}
