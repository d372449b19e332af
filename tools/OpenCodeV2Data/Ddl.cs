namespace OpenCodeV2Data;

/// <summary>
/// The committed upstream DDL (tests/data/v2/schema/*.sql, embedded verbatim). Each statement is one entry, without
/// its closing ';', which is exactly the text SQLite keeps in sqlite_master, so a test can compare the two.
/// </summary>
public static class Ddl
{
    /// <summary>A fresh 2.0.x database: sessions, rows, and the support tables.</summary>
    public static IReadOnlyList<string> Native => [.. Statements("2.0-session.sql"), .. Statements("2.0-support.sql")];

    /// <summary>A fresh 2.0-preview (lildax, npm @opencode-ai/cli-linux-x64@1.18.18) database, as it made it.</summary>
    public static IReadOnlyList<string> Preview => Statements("preview-1.18.18.sql");

    /// <summary>The committed statements of one file under tests/data/v2/schema.</summary>
    public static IReadOnlyList<string> Statements(string file)
    {
        var text = Read(file).Replace("\r\n", "\n", StringComparison.Ordinal);
        var statements = new List<string>();
        var current = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (current.Count == 0 && line.Length == 0) continue;
            current.Add(line);
            if (line.EndsWith(';'))
            {
                var statement = string.Join('\n', current);
                statements.Add(statement[..^1]);
                current.Clear();
            }
        }
        if (current.Count > 0) throw new InvalidDataException($"schema/{file}: a statement without its ';'");
        return statements;
    }

    /// <summary>The name a CREATE TABLE / CREATE INDEX statement creates.</summary>
    public static string NameOf(string statement)
    {
        var start = statement.IndexOfAny(['`', '"']);
        var end = statement.IndexOf(statement[start], start + 1);
        return statement[(start + 1)..end];
    }

    static string Read(string file)
    {
        using var stream = typeof(Ddl).Assembly.GetManifestResourceStream("schema/" + file)
            ?? throw new FileNotFoundException("not embedded: schema/" + file);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The `migration` rows the preview wrote into its fresh database (schema/preview-1.18.18.migrations.tsv).</summary>
    public static IReadOnlyList<(string Id, long Time)> PreviewMigrations =>
        Read("preview-1.18.18.migrations.tsv").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('|')).Select(f => (f[0], long.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
}
