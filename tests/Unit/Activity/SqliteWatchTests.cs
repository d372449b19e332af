using Microsoft.Data.Sqlite;
using OpenCodeUsage.Activity;
using Xunit;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>The database watch on a copy of real data, written to the way OpenCode writes.</summary>
public sealed class SqliteWatchTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly TempDataSet _data = new("oc-1.18.33");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private ActivityFeed Start(bool notifications = true, TimeSpan? poll = null, TimeSpan? idleAfter = null) => ActivityFeed.Start(new ActivityOptions
    {
        DataPaths = [_data.DataDir],
        UseNotifications = notifications,
        PollInterval = poll ?? TimeSpan.FromSeconds(2),
        IdleAfter = idleAfter ?? TimeSpan.FromMinutes(15),
    }, TestEnvironment.Isolated);

    [Fact]
    public void New_rows_become_events_of_their_session_and_history_is_not_replayed()
    {
        using var writer = new DatabaseWriter(_data.Database);
        using var reader = new FeedReader(Start());
        var session = writer.NewSession("watched");
        var (user, assistant, finish) = writer.Turn(session, 1000, 20, 0.25);
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted, Wait);
        Assert.Equal(session, step.SessionId);
        Assert.Equal(assistant, step.MessageId);
        Assert.Equal(finish, step.PartId);
        Assert.Equal(1000, step.InputTokens);
        Assert.Equal(20, step.OutputTokens);
        Assert.Equal(0.25m, step.Cost);
        Assert.Equal(1020, step.SessionTotalTokens);
        Assert.Equal("alpha", step.ProjectName);
        Assert.Equal("watched", step.SessionTitle);
        Assert.Equal(_data.DataDir, step.DataPath);
        var kinds = reader.Events.Select(e => e.Kind).ToList();
        Assert.Equal(
            [ActivityKind.SessionCreated, ActivityKind.SessionBusy, ActivityKind.Prompt, ActivityKind.MessageStarted, ActivityKind.StepStarted,
             ActivityKind.ToolStarted, ActivityKind.ToolCompleted, ActivityKind.StepFinished, ActivityKind.MessageCompleted],
            kinds);
        Assert.All(reader.Events, e => Assert.Equal(session, e.SessionId));
        Assert.Equal(user, reader.Events.Single(e => e.Kind == ActivityKind.Prompt).MessageId);
    }

    [Fact]
    public void A_tool_updated_in_place_reports_start_and_end_across_reads()
    {
        using var writer = new DatabaseWriter(_data.Database);
        var session = writer.NewSession("tools");
        var user = writer.Message(session, """{"role":"user","time":{"created":1}}""");
        using var reader = new FeedReader(Start());
        var assistant = writer.AssistantStarted(session, user);
        var tool = writer.Part(session, assistant, DatabaseWriter.Tool("pending"));
        var started = reader.WaitFor(e => e.Kind == ActivityKind.ToolStarted, Wait);
        writer.UpdatePart(tool, DatabaseWriter.Tool("running"));
        Thread.Sleep(300);
        writer.UpdatePart(tool, DatabaseWriter.Tool("error"));
        var failed = reader.WaitFor(e => e.Kind == ActivityKind.ToolFailed, Wait);
        Assert.Equal("bash", started.Tool);
        Assert.Equal("boom", failed.Error);
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.ToolStarted);
    }

    [Fact]
    public void A_tool_that_ends_in_the_same_read_as_its_steps_finish_still_reports_its_end()
    {
        // Found by the live soak (bench/soak): OpenCode completes the tool, then writes the step-finish part. When one
        // read finds both, the new step-finish row must not hide the older in-place change of the tool.
        using var writer = new DatabaseWriter(_data.Database);
        var session = writer.NewSession("tool then finish");
        var user = writer.Message(session, """{"role":"user","time":{"created":1}}""");
        using var reader = new FeedReader(Start());
        var assistant = writer.AssistantStarted(session, user);
        var tool = writer.Part(session, assistant, DatabaseWriter.Tool("running"));
        reader.WaitFor(e => e.Kind == ActivityKind.ToolStarted, Wait);
        var completed = DatabaseWriter.Now + 1000;
        writer.Execute("BEGIN IMMEDIATE");
        writer.Execute($"UPDATE part SET data = '{DatabaseWriter.Tool("completed")}', time_updated = {completed} WHERE id = '{tool}'");
        var finish = writer.StepFinish(session, assistant, 10, 5, 0.01);
        writer.Execute($"UPDATE part SET time_updated = {completed + 5} WHERE id = '{finish}'");
        writer.Execute("COMMIT");
        reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        Assert.Equal(tool, reader.WaitFor(e => e.Kind == ActivityKind.ToolCompleted, Wait).PartId);
    }

    [Fact]
    public void Running_totals_start_from_the_sessions_steps_already_in_the_database()
    {
        using var writer = new DatabaseWriter(_data.Database);
        var existing = _data.Scalar("SELECT id FROM session WHERE title LIKE 'Fixture session 1%' AND title NOT LIKE '%fork%'");
        var before = long.Parse(_data.Scalar($"SELECT tokens_input + tokens_output + tokens_reasoning + tokens_cache_read + tokens_cache_write FROM session WHERE id = '{existing}'"), System.Globalization.CultureInfo.InvariantCulture);
        using var reader = new FeedReader(Start());
        writer.Turn(existing, 100, 10, 0.01);
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        Assert.Equal(before + 110, step.SessionTotalTokens);
    }

    [Fact]
    public void Polling_alone_finds_changes_when_notifications_do_not_arrive()
    {
        using var writer = new DatabaseWriter(_data.Database);
        using var reader = new FeedReader(Start(notifications: false, poll: TimeSpan.FromMilliseconds(200)));
        var session = writer.NewSession("polled");
        writer.Turn(session, 5, 5, 0);
        var step = reader.WaitFor(e => e.Kind == ActivityKind.StepFinished, Wait);
        Assert.Equal(session, step.SessionId);
    }

    [Fact]
    public void No_read_transaction_is_held_between_reads_so_a_checkpoint_completes()
    {
        using var writer = new DatabaseWriter(_data.Database);
        using var reader = new FeedReader(Start());
        var session = writer.NewSession("checkpoint");
        writer.Turn(session, 5, 5, 0);
        reader.WaitFor(e => e.Kind == ActivityKind.MessageCompleted, Wait);
        // A reader holding a snapshot would leave frames in the WAL: busy = 1 or log != checkpointed.
        using var command = new SqliteCommand("PRAGMA wal_checkpoint(TRUNCATE)", new SqliteConnection($"Data Source={_data.Database};Pooling=False"));
        command.Connection!.Open();
        using var result = command.ExecuteReader();
        Assert.True(result.Read());
        Assert.Equal(0L, result.GetInt64(0));
        Assert.Equal(result.GetInt64(1), result.GetInt64(2));
        command.Connection.Dispose();
    }

    [Fact]
    public void A_quiet_session_is_reported_idle_once()
    {
        using var writer = new DatabaseWriter(_data.Database);
        using var reader = new FeedReader(Start(idleAfter: TimeSpan.FromMilliseconds(600)));
        var session = writer.NewSession("quiet");
        writer.Turn(session, 5, 5, 0);
        var idle = reader.WaitFor(e => e.Kind == ActivityKind.SessionIdle, Wait);
        Assert.Equal(session, idle.SessionId);
        Thread.Sleep(1500);
        Assert.Single(reader.Events, e => e.Kind == ActivityKind.SessionIdle);
        writer.Turn(session, 5, 5, 0);
        reader.WaitFor(e => e.Kind == ActivityKind.StepFinished && e.SessionTotalTokens == 20, Wait);
        Assert.Equal(2, reader.Events.Count(e => e.Kind == ActivityKind.SessionBusy));
    }

    [Fact]
    public void A_watch_with_nothing_written_does_not_wake_itself_with_its_own_reads()
    {
        // A -wal left behind with frames in it and no writer (OpenCode exited while another reader had the database
        // open): a read-only open then touches -wal and -shm, which a watch counting every notification would take
        // for a write, read again, and so on for ever.
        using (var holder = new SqliteConnection($"Data Source={_data.Database};Mode=ReadOnly;Pooling=False"))
        {
            holder.Open();
            using (var writer = new DatabaseWriter(_data.Database))
            {
                writer.NewSession("before the watch");
                using var hold = holder.CreateCommand();
                hold.CommandText = "SELECT count(*) FROM session";
                hold.ExecuteScalar();
            }
        }

        Assert.True(new FileInfo(_data.Database + "-wal").Length > 0);
        using var feed = Start(poll: TimeSpan.FromMilliseconds(200));
        using var reader = new FeedReader(feed);
        Thread.Sleep(1000);
        var reads = feed.Reads;
        Thread.Sleep(2000);
        Assert.InRange(feed.Reads - reads, 0, 1);
        Assert.Empty(reader.Events);
    }
}
