using System.Text;
using OpenCodeFixture.Processes;

namespace OpenCodeFixture;

/// <summary>
/// Prepares generated data for committing (scrub.sh and make-real-db.sh's DATA_DEST in C#): copies
/// just the user data of a data dir, then rewrites the generator's absolute path prefix to a
/// neutral one everywhere OpenCode recorded it. Token counts and costs stay exactly as stored.
/// The database part runs the <c>sqlite3</c> command-line shell: this is a dev tool, and the
/// framework alone has no SQLite.
/// </summary>
public static class Scrubber
{
    public const string DefaultNewPrefix = "/home/dev";
    static readonly TimeSpan SqliteTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Copies the database files (with -wal/-shm), auth.json, account.json and legacy storage/ from an
    /// OpenCode data dir; leaves out repos/, snapshot/, log/ and other non-user data.
    /// </summary>
    public static void CopyDataDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            var name = Path.GetFileName(file);
            var isDatabase = name.StartsWith("opencode", StringComparison.Ordinal)
                && (name.EndsWith(".db", StringComparison.Ordinal) || name.EndsWith(".db-wal", StringComparison.Ordinal)
                    || name.EndsWith(".db-shm", StringComparison.Ordinal));
            if (isDatabase || name is "auth.json" or "account.json")
                File.Copy(file, Path.Combine(destination, name), overwrite: true); // keeps auth.json's 0600
        }
        var storage = Path.Combine(source, "storage");
        if (Directory.Exists(storage)) CopyTree(storage, Path.Combine(destination, "storage"));
    }

    /// <summary>Rewrites <paramref name="oldPrefix"/> in the databases' text columns and in storage/ files.</summary>
    public static async Task ScrubAsync(string dataDirectory, string oldPrefix, string newPrefix = DefaultNewPrefix,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(oldPrefix);
        foreach (var database in Directory.EnumerateFiles(dataDirectory, "opencode*.db").Order(StringComparer.Ordinal))
            await ScrubDatabaseAsync(database, oldPrefix, newPrefix, ct);

        var storage = Path.Combine(dataDirectory, "storage");
        if (!Directory.Exists(storage)) return;
        var strictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (var file in Directory.EnumerateFiles(storage, "*", SearchOption.AllDirectories))
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(file, strictUtf8, ct);
            }
            catch (DecoderFallbackException)
            {
                continue; // not text
            }
            if (text.Contains(oldPrefix, StringComparison.Ordinal))
                await File.WriteAllTextAsync(file, text.Replace(oldPrefix, newPrefix, StringComparison.Ordinal), strictUtf8, ct);
        }
    }

    static async Task ScrubDatabaseAsync(string database, string oldPrefix, string newPrefix, CancellationToken ct)
    {
        var sqlite = FindSqlite3() ?? throw new FileNotFoundException("the sqlite3 command-line shell is needed to scrub databases");
        var columns = await SqliteAsync(sqlite, database,
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p " +
            "WHERE m.type = 'table' AND upper(coalesce(p.type, '')) IN ('TEXT', '');", ct);

        var script = new StringBuilder("BEGIN;\n");
        foreach (var line in columns.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (table, column) = (Identifier(line.Split('\t')[0]), Identifier(line.Split('\t')[1]));
            script.Append($"UPDATE {table} SET {column} = replace({column}, {Literal(oldPrefix)}, {Literal(newPrefix)}) ")
                  .Append($"WHERE instr({column}, {Literal(oldPrefix)}) > 0;\n");
        }
        // fold the WAL in, and VACUUM so no old row versions keep the old text in free pages
        script.Append("COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\nVACUUM;\n");
        await SqliteAsync(sqlite, database, script.ToString(), ct);
    }

    static async Task<string> SqliteAsync(string sqlite, string database, string sql, CancellationToken ct)
    {
        var info = ProcessRunner.StartInfo(sqlite, ["-batch", "-bail", "-separator", "\t", database, sql],
            Path.GetDirectoryName(Path.GetFullPath(database))!, new Dictionary<string, string?>());
        var result = await ProcessRunner.RunAsync(info, SqliteTimeout, ct);
        if (!result.Succeeded)
            throw new InvalidOperationException($"sqlite3 failed on {database}: {result.StandardError.Trim()}");
        return result.StandardOutput;
    }

    static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    static string? FindSqlite3()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "sqlite3.exe" } : ["sqlite3"])
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    static void CopyTree(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        foreach (var dir in Directory.EnumerateDirectories(source))
            CopyTree(dir, Path.Combine(destination, Path.GetFileName(dir)));
    }
}
