using Microsoft.Data.Sqlite;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>The in-place edits tests of incremental readers use behave as 2.x: a finished step lands in its row and in
/// the session totals, a revert deletes rows and keeps the totals.</summary>
public sealed class V2EditsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ocu-v2edit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static (long Input, double Cost, long Rows) Session(string database, string id)
    {
        using var connection = new SqliteConnection(CommittedDatabase.ConnectionString(database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT tokens_input, cost, (SELECT count(*) FROM session_message WHERE session_id = $id) FROM session_v2 WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (reader.GetInt64(0), reader.GetDouble(1), reader.GetInt64(2));
    }

    [Fact]
    public void Finishing_the_streaming_step_adds_its_usage_to_its_row_and_its_session()
    {
        var dataDir = Path.Combine(_dir, "opencode");
        OpenCodeV2Data.DataSets.Write("native", dataDir);
        var database = Path.Combine(dataDir, "opencode.db");
        var streamingSession = V2ExpectedSession.Load("v2/native").Single(s => s.Title == "Explain the build").Id;
        var before = Session(database, streamingSession);

        var charge = V2Edits.FinishStreamingStep(database, new Tokens(1250, 80, 0, 1000, 0), NativeScenario.T(4, 8, 6));

        var after = Session(database, streamingSession);
        Assert.Equal(streamingSession, charge.SessionId);
        Assert.Equal(before.Input + 1250, after.Input);
        Assert.Equal(before.Cost + Model.Sonnet.Price(new Tokens(1250, 80, 0, 1000, 0)), after.Cost, 12);
        Assert.Equal(before.Rows + 1, after.Rows); // the idle row; the step itself was rewritten in place
    }

    [Fact]
    public void A_revert_deletes_rows_and_keeps_the_totals()
    {
        var dataDir = Path.Combine(_dir, "opencode");
        OpenCodeV2Data.DataSets.Write("native", dataDir);
        var database = Path.Combine(dataDir, "opencode.db");
        var session = V2ExpectedSession.Load("v2/native").Single(s => s.Title == "Migration plan").Id;
        string firstAssistant;
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM session_message WHERE session_id = $id AND type = 'assistant' ORDER BY seq LIMIT 1";
            command.Parameters.AddWithValue("$id", session);
            firstAssistant = (string)command.ExecuteScalar()!;
        }
        var before = Session(database, session);

        V2Edits.Revert(database, session, firstAssistant, NativeScenario.T(3, 1, 0));

        var after = Session(database, session);
        Assert.Equal((before.Input, before.Cost), (after.Input, after.Cost));
        Assert.Equal(1, after.Rows); // only the user row before it stays
    }
}
