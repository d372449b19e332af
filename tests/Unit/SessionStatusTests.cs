using Microsoft.Data.Sqlite;
using OpenCodeUsage.Sessions;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Status from the database alone: an unfinished reply means Busy, a failed last reply Error, else Idle.</summary>
public sealed class SessionStatusTests
{
    private static Dictionary<string, Session> Read(string dataDir) =>
        SessionReader.Read(new SessionQuery { DataPaths = [dataDir], NoCache = true }, TestEnvironment.Isolated, new ReadDiagnostics(), null, CancellationToken.None)
            .ToDictionary(s => s.Id);

    /// <summary>The oracle: sessions with a 2.x assistant step that has no finish, straight from SQLite.</summary>
    private static HashSet<string> UnfinishedSteps(string database)
    {
        using var connection = new SqliteConnection(CommittedDatabase.ConnectionString(database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT session_id FROM session_message WHERE type = 'assistant' AND json_extract(data, '$.finish') IS NULL";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [Theory]
    [InlineData("v2/preview-1.18.18")]
    [InlineData("v2/native")]
    [InlineData("v2/migrated")]
    public void A_2x_session_with_a_step_without_finish_is_busy_and_the_rest_idle(string dataSet)
    {
        var sessions = Read(RepoPaths.DataDir(dataSet));
        var busy = UnfinishedSteps(Path.Combine(RepoPaths.DataDir(dataSet), "opencode.db"));
        Assert.Equal(busy.Order(), sessions.Values.Where(s => s.Status == SessionStatus.Busy).Select(s => s.Id).Order());
        Assert.All(sessions.Values.Where(s => !busy.Contains(s.Id)), s => Assert.Contains(s.Status, new[] { SessionStatus.Idle, SessionStatus.Error }));
        Assert.All(sessions.Values, s => Assert.NotNull(s.StatusSince));
    }

    [Fact]
    public void The_real_preview_session_left_streaming_by_a_stopped_server_is_busy()
    {
        // p05 of the make-preview scenario: the server was killed mid-step.
        Assert.NotEmpty(UnfinishedSteps(Path.Combine(RepoPaths.DataDir("v2/preview-1.18.18"), "opencode.db")));
        Assert.Contains(Read(RepoPaths.DataDir("v2/preview-1.18.18")).Values, s => s.Status == SessionStatus.Busy);
    }

    [Fact]
    public void A_1x_reply_without_completion_is_busy_since_it_started_and_a_failed_one_is_an_error()
    {
        using var data = new TempDataSet("oc-1.18.33");
        var streaming = data.Scalar("SELECT id FROM message WHERE json_extract(data, '$.role') = 'assistant' ORDER BY time_created DESC LIMIT 1");
        var session = data.Scalar($"SELECT session_id FROM message WHERE id = '{streaming}'");
        var started = long.Parse(data.Scalar($"SELECT json_extract(data, '$.time.created') FROM message WHERE id = '{streaming}'"), System.Globalization.CultureInfo.InvariantCulture);
        var before = Read(data.DataDir);
        Assert.All(before.Values, s => Assert.Equal(SessionStatus.Idle, s.Status));

        data.Execute($"UPDATE message SET data = json_remove(data, '$.time.completed', '$.finish') WHERE id = '{streaming}'");
        var busy = Read(data.DataDir)[session];
        Assert.Equal(SessionStatus.Busy, busy.Status);
        Assert.True(busy.StatusSince >= DateTimeOffset.FromUnixTimeMilliseconds(started));

        data.Execute($"UPDATE message SET data = json_set(data, '$.time.completed', {started + 5}, '$.error', json('{{\"name\":\"APIError\",\"data\":{{\"message\":\"Overloaded\",\"statusCode\":529}}}}')) WHERE id = '{streaming}'");
        Assert.Equal(SessionStatus.Error, Read(data.DataDir)[session].Status);

        data.Execute($"UPDATE message SET data = json_set(data, '$.error', json('{{\"name\":\"MessageAbortedError\",\"data\":{{\"message\":\"Aborted\"}}}}')) WHERE id = '{streaming}'");
        Assert.Equal(SessionStatus.Idle, Read(data.DataDir)[session].Status); // stopped on purpose: nothing wrong
    }
}
