using System.Text.Json.Nodes;

namespace OpenCodeV2Data;

/// <summary>
/// Changes 2.x makes to a database that already has rows, for tests of incremental readers and watchers: a streaming
/// step finished in place, a revert. Each runs as 2.x runs it (same event seq, same totals), on a copy the test owns.
/// </summary>
public static class V2Edits
{
    public static IReadOnlyList<Model> KnownModels { get; } = [Model.Fast, Model.Smart, Model.Reason, Model.Sonnet, Model.Opus];

    /// <summary>
    /// Stamps the (only) assistant row still streaming with finish, cost and <paramref name="tokens"/>, in place, and adds
    /// them to its session's totals, as 2.x does at step end. Returns what was billed.
    /// </summary>
    public static Charge FinishStreamingStep(string database, Tokens tokens, long at, string finish = "stop")
    {
        using var db = V2Database.Attach(database, seed: 99);
        var row = db.Rows("SELECT id, session_id, data FROM session_message WHERE type = 'assistant' " +
                          "AND json_extract(data, '$.tokens') IS NULL AND json_extract(data, '$.finish') IS NULL").Single();
        var data = (JsonObject)JsonNode.Parse((string)row[2]!)!;
        var key = (string?)data["model"]?["providerID"] + "/" + (string?)data["model"]?["id"];
        var model = KnownModels.Single(m => m.Key == key);
        var session = db.Existing((string)row[1]!);
        session.EndStep(new Step((string)row[0]!, model, (string?)data["agent"] ?? session.Agent, data), tokens, at, finish);
        session.Idle(at + 1);
        return db.Ledger.Charges.Single();
    }

    /// <summary>A committed revert of <paramref name="sessionId"/> from the row <paramref name="rowId"/> on: rows go, totals stay.</summary>
    public static void Revert(string database, string sessionId, string rowId, long at)
    {
        using var db = V2Database.Attach(database, seed: 98);
        db.Existing(sessionId).Revert(rowId, at);
    }
}
