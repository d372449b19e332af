using Microsoft.Data.Sqlite;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>
/// The generated 2.x databases carry the committed upstream DDL, statement for statement (sqlite_master keeps the
/// text as it was run), and the committed databases are exactly what the generator writes today.
/// </summary>
public sealed class V2SchemaTests
{
    /// <param name="live">A database a process just wrote: read with its WAL (an immutable open would miss it).</param>
    internal static Dictionary<string, string> Master(string database, bool live = false)
    {
        using var connection = new SqliteConnection(live ? $"Data Source={database};Mode=ReadOnly;Pooling=False" : CommittedDatabase.ConnectionString(database));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL";
        using var reader = command.ExecuteReader();
        var master = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read()) master[reader.GetString(0)] = reader.GetString(1);
        return master;
    }

    [Theory]
    [InlineData("native")]
    [InlineData("preview-shape")]
    public void A_fresh_database_holds_exactly_the_committed_statements(string name)
    {
        var expected = name == "native" ? Ddl.Native : Ddl.Preview;
        var master = Master(V2DataSets.Database("v2/" + name));

        Assert.Equal(expected.Select(Ddl.NameOf).Order(StringComparer.Ordinal), master.Keys.Order(StringComparer.Ordinal));
        foreach (var statement in expected) Assert.Equal(statement, master[Ddl.NameOf(statement)]);
    }

    [Fact]
    public void The_native_database_has_no_1x_tables()
    {
        var master = Master(V2DataSets.Database("v2/native"));
        Assert.Contains("session_v2", master.Keys);
        Assert.Contains("session_message", master.Keys);
        Assert.DoesNotContain("session", master.Keys);
        Assert.DoesNotContain("message", master.Keys);
        Assert.DoesNotContain("part", master.Keys);
    }

    [Fact]
    public void The_upgraded_database_keeps_session_v2_in_the_2_0_3_column_order()
    {
        var master = Master(V2DataSets.Database("v2/upgraded-columns"));
        Assert.Equal(Ddl.Statements("2.0.3-session_v2-upgraded.sql").Single(), master["session_v2"]);
        foreach (var statement in Ddl.Native.Where(s => Ddl.NameOf(s) != "session_v2"))
            Assert.Equal(statement, master[Ddl.NameOf(statement)]);
    }

    [Fact]
    public void The_migrated_database_adds_the_2x_tables_and_keeps_every_1x_table_as_1_18_33_made_it()
    {
        var master = Master(V2DataSets.Database("v2/migrated"));
        var v1 = Master(RepoPaths.DataDir("oc-1.18.33") + "/opencode.db");

        foreach (var name in new[] { "session_v2", "session_message", "session_inbox", "session_pending", "kv",
                     "session_message_session_seq_idx", "session_v2_parent_idx" })
            Assert.Equal(Ddl.Native.Single(s => Ddl.NameOf(s) == name), master[name]);
        foreach (var (name, sql) in v1.Where(t => t.Key is not ("session_message" or "project" or "event") && !t.Key.StartsWith("session_message_", StringComparison.Ordinal)))
            Assert.Equal(sql, master[name]);
        Assert.EndsWith(", `time_active` integer DEFAULT 0 NOT NULL)", master["project"], StringComparison.Ordinal);
        // SQLite puts an added column before the table constraints, as in the 2.0.3 session_v2 capture.
        Assert.Contains("`data` text NOT NULL, `created` integer DEFAULT 0 NOT NULL,\n", master["event"], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(V2DataSets.All), MemberType = typeof(V2DataSets))]
    public void The_committed_database_is_what_the_generator_writes(string dataSet)
    {
        var temp = Directory.CreateTempSubdirectory("ocu-v2gen-").FullName;
        try
        {
            var ledger = OpenCodeV2Data.DataSets.Write(V2DataSets.GeneratorName(dataSet), Path.Combine(temp, "opencode"),
                RepoPaths.DataDir("oc-1.18.33") + "/opencode.db");

            Assert.Equal(File.ReadAllBytes(V2DataSets.Database(dataSet)), File.ReadAllBytes(Path.Combine(temp, "opencode", "opencode.db")));
            Assert.Equal(File.ReadAllText(Path.Combine(DataSets.Folder(dataSet), "ledger.tsv")), ledger.ToTsv());
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }
}
