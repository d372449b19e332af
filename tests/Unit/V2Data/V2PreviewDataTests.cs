using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>
/// The committed real data of the real 2.0 preview binary (tests/data/v2/preview-1.18.18) says what the README and the
/// generator assume of the preview: its DDL, rows with tokens but cost 0, session totals never filled, aborted and
/// streaming steps without tokens; and every token the oracle counts is one the mock reported.
/// </summary>
public sealed class V2PreviewDataTests
{
    static readonly string Database = V2DataSets.Database(V2DataSets.RealPreview);

    static List<object?[]> Rows(string sql)
    {
        using var connection = new SqliteConnection(CommittedDatabase.ConnectionString(Database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [Fact]
    public void The_preview_fixture_database_has_the_committed_preview_ddl()
    {
        var master = V2SchemaTests.Master(Database);
        foreach (var statement in Ddl.Preview) Assert.Equal(statement, master[Ddl.NameOf(statement)]);
        Assert.Equal(Ddl.Preview.Count, master.Count);
    }

    [Fact]
    public void The_preview_keeps_tokens_in_rows_but_cost_0_and_never_fills_the_session_totals()
    {
        Assert.All(Rows("SELECT cost, tokens_input, tokens_output, tokens_cache_read FROM session"),
            r => Assert.Equal([0.0, 0L, 0L, 0L], r));
        var assistants = Rows("SELECT data FROM session_message WHERE type = 'assistant'").Select(r => JsonNode.Parse((string)r[0]!)!).ToList();
        var finished = assistants.Where(a => a["tokens"] is not null).ToList();
        Assert.Equal(6, finished.Count);
        Assert.All(finished, a =>
        {
            Assert.Equal(0.0, (double)a["cost"]!);
            Assert.False(a["tokens"]!.AsObject().ContainsKey("total"));
            Assert.Equal("default", (string?)a["model"]!["variant"]);
        });
        var interrupted = Assert.Single(assistants, a => (string?)a["finish"] == "error");
        Assert.Null(interrupted["tokens"]);
        var streaming = Assert.Single(assistants, a => a["finish"] is null);
        Assert.Null(streaming["tokens"]);
    }

    [Fact]
    public void Every_token_the_oracle_counts_was_reported_by_the_mock()
    {
        long billedInput = 0, billedCacheRead = 0;
        foreach (var line in File.ReadLines(Path.Combine(DataSets.Folder(V2DataSets.RealPreview), "mock.log")))
        {
            var usage = JsonNode.Parse(line)!["usage"]!;
            var cached = (long?)usage["prompt_tokens_details"]?["cached_tokens"] ?? (long?)usage["cache_read_input_tokens"] ?? 0;
            billedInput += ((long?)usage["prompt_tokens"] is { } prompt ? prompt - cached : (long)usage["input_tokens"]!);
            billedCacheRead += cached;
        }
        var total = ExpectedUsage.Load(V2DataSets.RealPreview).Single(u => u.Grouping == "total");
        Assert.InRange(total.Input, 1, billedInput - 1); // the reverted, interrupted and streaming steps were billed, not kept
        Assert.InRange(total.CacheRead, 1, billedCacheRead);
    }
}
