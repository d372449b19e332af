using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>
/// The oracle's figures (tests/data/v2/oracle_v2.py, from the raw rows only) agree with what OpenCode itself holds
/// (session_v2 columns of native sessions) and with what the generator billed (its ledger), and the committed
/// expected-*.tsv files are the oracle's output on the committed databases today.
/// </summary>
public sealed class V2OracleTests
{
    const double CostTolerance = 1e-9;

    static List<Dictionary<string, object?>> Rows(string database, string sql)
    {
        using var connection = new SqliteConnection(CommittedDatabase.ConnectionString(database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Dictionary<string, object?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [Theory]
    [InlineData("v2/native")]
    [InlineData("v2/upgraded-columns")]
    [InlineData("v2/migrated")]
    public void For_a_native_session_the_oracle_figure_is_its_own_session_v2_columns(string dataSet)
    {
        var columns = Rows(V2DataSets.Database(dataSet), "SELECT * FROM session_v2").ToDictionary(r => (string)r["id"]!);
        var native = V2ExpectedSession.Load(dataSet).Where(s => s.Generation == "v2").ToList();
        Assert.NotEmpty(native);
        foreach (var s in native)
        {
            var row = columns[s.Id];
            Assert.Equal((long)row["tokens_input"]!, s.Input);
            Assert.Equal((long)row["tokens_output"]!, s.Output);
            Assert.Equal((long)row["tokens_reasoning"]!, s.Reasoning);
            Assert.Equal((long)row["tokens_cache_read"]!, s.CacheRead);
            Assert.Equal((long)row["tokens_cache_write"]!, s.CacheWrite);
            Assert.InRange(s.Cost, (double)row["cost"]! - CostTolerance, (double)row["cost"]! + CostTolerance);
            Assert.Equal((long)row["tokens_input"]!, s.SInput);
        }
    }

    [Theory]
    [MemberData(nameof(V2DataSets.All), MemberType = typeof(V2DataSets))]
    public void Per_session_the_oracle_reaches_what_the_generator_billed(string dataSet)
    {
        var billed = LedgerRow.Load(dataSet).GroupBy(c => c.Session).ToDictionary(g => g.Key, g => g.ToList());
        var sessions = V2ExpectedSession.Load(dataSet);
        Assert.Equal(billed.Keys.Order(StringComparer.Ordinal), sessions.Where(s => s.Input + s.CacheRead > 0).Select(s => s.Id).Order(StringComparer.Ordinal));
        foreach (var s in sessions.Where(s => billed.ContainsKey(s.Id)))
        {
            var charges = billed[s.Id];
            Assert.Equal(charges.Sum(c => c.Input), s.Input);
            Assert.Equal(charges.Sum(c => c.Output), s.Output);
            Assert.Equal(charges.Sum(c => c.Reasoning), s.Reasoning);
            Assert.Equal(charges.Sum(c => c.CacheRead), s.CacheRead);
            Assert.Equal(charges.Sum(c => c.CacheWrite), s.CacheWrite);
            Assert.InRange(s.Cost, charges.Sum(c => c.Cost) - CostTolerance, charges.Sum(c => c.Cost) + CostTolerance);
            // What no row carries is exactly what the ledger billed without a row, or whose row a revert deleted.
            var unrowed = charges.Where(c => c.Row.Length == 0 || c.Reverted).ToList();
            Assert.Equal(unrowed.Sum(c => c.Input + c.Output + c.Reasoning + c.CacheRead + c.CacheWrite), s.RestTokens);
        }
    }

    [Theory]
    [MemberData(nameof(V2DataSets.WithOracle), MemberType = typeof(V2DataSets))]
    public void The_usage_total_is_the_sum_of_the_session_figures(string dataSet)
    {
        var total = ExpectedUsage.Load(dataSet).Single(u => u.Grouping == "total");
        var sessions = V2ExpectedSession.Load(dataSet);
        Assert.Equal(sessions.Sum(s => s.Input), total.Input);
        Assert.Equal(sessions.Sum(s => s.Output), total.Output);
        Assert.Equal(sessions.Sum(s => s.CacheRead), total.CacheRead);
        Assert.InRange((double)total.Cost, sessions.Sum(s => s.Cost) - CostTolerance, sessions.Sum(s => s.Cost) + CostTolerance);
        foreach (var grouping in new[] { "day-utc", "day-la", "model", "session", "project" })
        {
            var rows = ExpectedUsage.Load(dataSet).Where(u => u.Grouping == grouping).ToList();
            Assert.Equal(total.Input, rows.Sum(r => r.Input));
            Assert.Equal(total.Messages, rows.Sum(r => r.Messages));
        }
    }

    [SkippableTheory]
    [MemberData(nameof(V2DataSets.WithOracle), MemberType = typeof(V2DataSets))]
    public void The_committed_figures_are_the_oracles_output_today(string dataSet)
    {
        foreach (var (args, file) in new[] { ("", "expected-usage.tsv"), ("--sessions ", "expected-sessions.tsv") })
        {
            var output = Python(args + "\"" + V2DataSets.DataDir(dataSet) + "\"");
            Assert.Equal(File.ReadAllText(Path.Combine(DataSets.Folder(dataSet), file)), output);
        }
    }

    static string Python(string arguments)
    {
        var oracle = Path.Combine(RepoPaths.TestData, "v2", "oracle_v2.py");
        ProcessStartInfo start = new("python3", "\"" + oracle + "\" " + arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new SkipException("python3 is not installed");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            Assert.True(process.WaitForExit(60_000), "oracle_v2.py did not finish within 60 s");
            Assert.True(process.ExitCode == 0, "oracle_v2.py failed: " + stderr.Result);
            return stdout.Result;
        }
    }

    [Fact]
    public void Native_rows_follow_the_2x_shapes()
    {
        var rows = Rows(V2DataSets.Database("v2/native"), "SELECT * FROM session_message");
        var assistants = rows.Where(r => (string)r["type"]! == "assistant").Select(r => JsonNode.Parse((string)r["data"]!)!.AsObject()).ToList();
        Assert.All(rows, r =>
        {
            var data = JsonNode.Parse((string)r["data"]!)!.AsObject();
            Assert.False(data.ContainsKey("id"), "id is a column, not in data");
            Assert.False(data.ContainsKey("type"), "type is a column, not in data");
        });
        Assert.All(assistants, a =>
        {
            Assert.NotNull(a["model"]?["id"]);
            Assert.NotNull(a["model"]?["providerID"]);
            Assert.Null(a["modelID"]);
            if (a["tokens"] is JsonObject tokens) Assert.False(tokens.ContainsKey("total"));
        });
        // Exactly one step still streaming: content, but no tokens and no finish yet.
        var streaming = Assert.Single(assistants, a => a["tokens"] is null);
        Assert.Null(streaming["finish"]);
        Assert.NotEmpty(streaming["content"]!.AsArray());
        Assert.Contains(assistants, a => a["content"]!.AsArray().Any(c => (string?)c!["name"] == "subagent"));
    }

    [Fact]
    public void Fork_copies_are_byte_identical_with_the_same_seq_and_time_and_ids_of_the_copy_pattern()
    {
        var db = V2DataSets.Database("v2/native");
        var forks = Rows(db, "SELECT id, fork_session_id, fork_boundary, cost FROM session_v2 WHERE fork_session_id IS NOT NULL");
        Assert.Equal(2, forks.Count);
        var rows = Rows(db, "SELECT * FROM session_message");
        foreach (var fork in forks)
        {
            var copies = rows.Where(r => (string)r["session_id"]! == (string)fork["id"]! && ((string)r["id"]!).Count(ch => ch == '_') == 2).ToList();
            Assert.NotEmpty(copies);
            foreach (var copy in copies)
            {
                Assert.Matches("^msg_[0-9a-f]{12}[0-9A-Za-z]{14}_" + copy["seq"] + "$", (string)copy["id"]!);
                Assert.Contains(rows, r => (string)r["session_id"]! == (string)fork["fork_session_id"]! && (long)r["seq"]! == (long)copy["seq"]!
                    && (long)r["time_created"]! == (long)copy["time_created"]! && (string)r["data"]! == (string)copy["data"]!);
            }
            Assert.NotNull(JsonNode.Parse((string)fork["fork_boundary"]!)!["messageID"]);
        }
    }

    [Fact]
    public void A_revert_deletes_rows_and_keeps_the_totals()
    {
        var reverted = LedgerRow.Load("v2/native").Where(c => c.Reverted).ToList();
        Assert.Equal(2, reverted.Count);
        var session = Assert.Single(reverted.Select(c => c.Session).Distinct());
        var db = V2DataSets.Database("v2/native");
        Assert.Empty(Rows(db, "SELECT id FROM session_message WHERE id IN ('" + string.Join("','", reverted.Select(c => c.Row)) + "')"));
        var expected = V2ExpectedSession.Load("v2/native").Single(s => s.Id == session);
        Assert.True(expected.RestCost > reverted.Sum(c => c.Cost) - CostTolerance, "the reverted steps' cost stays in the session's figure");
    }

    [Fact]
    public void The_migration_keeps_1x_ids_and_never_imports_what_a_1x_client_wrote_afterwards()
    {
        var db = V2DataSets.Database("v2/migrated");
        var migratedAt = (long)Rows(db, "SELECT time_updated FROM kv WHERE key = 'migration.v1-v2'").Single()["time_updated"]!;
        var v2Ids = Rows(db, "SELECT id FROM session_message").Select(r => (string)r["id"]!).ToHashSet(StringComparer.Ordinal);
        var v1 = Rows(db, "SELECT id, time_created FROM message");
        Assert.All(v1.Where(m => (long)m["time_created"]! <= migratedAt), m => Assert.Contains((string)m["id"]!, v2Ids));
        var later = v1.Where(m => (long)m["time_created"]! > migratedAt).ToList();
        Assert.Equal(4, later.Count);
        Assert.All(later, m => Assert.DoesNotContain((string)m["id"]!, v2Ids));
        var v1Sessions = Rows(db, "SELECT id FROM session").Select(r => (string)r["id"]!).ToList();
        var v2Sessions = Rows(db, "SELECT id FROM session_v2").Select(r => (string)r["id"]!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(8, v1Sessions.Count(v2Sessions.Contains));
        Assert.Single(v1Sessions, id => !v2Sessions.Contains(id));
    }
}
