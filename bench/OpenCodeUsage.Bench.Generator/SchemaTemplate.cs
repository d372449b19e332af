using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// The schema of a database the real OpenCode 1.18.33 CLI made: every CREATE statement from sqlite_master,
/// in its order and with its exact text, and the rows of the <c>migration</c> table.
/// </summary>
internal sealed record SchemaTemplate(IReadOnlyList<string> Statements, IReadOnlyList<(string Id, long TimeCompleted)> Migrations)
{
    public static SchemaTemplate Read(string databasePath)
    {
        // Read a private copy: opening the real file, even read-only, could leave -wal/-shm files beside it.
        var copy = Path.Combine(Path.GetTempPath(), $"opencode-template-{Environment.ProcessId}.db");
        File.Copy(databasePath, copy, overwrite: true);
        try
        {
            using var connection = new SqliteConnection($"Data Source={copy};Mode=ReadOnly;Pooling=False");
            connection.Open();
            var statements = new List<string>();
            using (var command = connection.CreateCommand())
            {
                // Automatic indexes have no SQL; sqlite_sequence is made by SQLite itself.
                command.CommandText = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    statements.Add(reader.GetString(0));
                }
            }

            var migrations = new List<(string, long)>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT id, time_completed FROM migration ORDER BY rowid";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    migrations.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            return new SchemaTemplate(statements, migrations);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(copy);
        }
    }

    /// <summary>The template OpenCode database shipped with the repository's test data.</summary>
    public static string DefaultPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "data", "oc-1.18.33", "opencode", "opencode.db");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/data/oc-1.18.33/opencode/opencode.db not found above the generator; pass --template.");
    }
}
