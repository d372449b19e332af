using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using OpenCodeFixture.Scenario;
using OpenCodeV2Data;
using Xunit;

namespace OpenCodeUsage.Tests.V2Data;

/// <summary>
/// The real 2.0 preview, run now through the fixture's make-preview scenario, writes what the committed
/// tests/data/v2/preview-1.18.18 holds: the committed DDL, rows with tokens and cost 0, session totals never filled.
/// Skipped unless tools/install-lildax.sh has unpacked the binary into .tools/lildax.
/// </summary>
public sealed class V2PreviewLiveTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("ocu-lildax-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableFact]
    public async Task The_real_preview_writes_what_the_committed_preview_data_holds()
    {
        var binary = Path.Combine(RepoPaths.Root, ".tools", "lildax", "package", "bin", "lildax");
        Skip.IfNot(File.Exists(binary), "the 2.0 preview is not installed; run tools/install-lildax.sh");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        string database;
        await using (var sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions { OutputDirectory = _dir, OpenCodeBinary = binary }, timeout.Token))
        {
            var sessions = await PreviewScenario.RunAsync(sandbox, _ => { }, timeout.Token);
            Assert.Equal(5, sessions.Count);
            database = sandbox.DatabasePath;
        }

        var master = V2SchemaTests.Master(database, live: true);
        foreach (var statement in Ddl.Preview) Assert.Equal(statement, master[Ddl.NameOf(statement)]);
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT sum(cost) + sum(tokens_input) FROM session), data FROM session_message WHERE type = 'assistant'";
        using var reader = command.ExecuteReader();
        var finished = 0;
        while (reader.Read())
        {
            Assert.Equal(0.0, reader.GetDouble(0));
            var data = JsonNode.Parse(reader.GetString(1))!;
            if (data["tokens"] is null) continue;
            finished++;
            Assert.Equal(0.0, (double)data["cost"]!);
            Assert.True((long)data["tokens"]!["input"]! > 0);
        }
        Assert.Equal(6, finished);
    }
}
