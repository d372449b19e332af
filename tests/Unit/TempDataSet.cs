using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Tests;

/// <summary>A throwaway copy of a real data set, for tests that must alter it (OpenCode's own copy is never touched).</summary>
internal sealed class TempDataSet : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-data-").FullName;

    public TempDataSet(string dataSet)
    {
        var source = RepoPaths.DataDir(dataSet);
        DataDir = Path.Combine(_root, "opencode");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(DataDir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public string DataDir { get; }

    public string Database => Path.Combine(DataDir, "opencode.db");

    /// <summary>Runs SQL against the copy, then closes it so nothing is left in a WAL.</summary>
    public void Execute(string sql)
    {
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }

    public string Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Database};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
