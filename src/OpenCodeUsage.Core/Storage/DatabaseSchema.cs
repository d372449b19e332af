using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Storage;

/// <summary>
/// The tables and columns one database actually has. OpenCode reorders, adds and renames columns between
/// versions, so every query is built from names found here, never from positions or version numbers.
/// </summary>
internal sealed class DatabaseSchema
{
    private readonly Dictionary<string, HashSet<string>> _columns;

    private DatabaseSchema(Dictionary<string, HashSet<string>> columns) => _columns = columns;

    public static DatabaseSchema Read(SqliteConnection connection)
    {
        var tables = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var columns = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var table in tables)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM pragma_table_info($t)";
            command.Parameters.AddWithValue("$t", table);
            using var reader = command.ExecuteReader();
            var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            while (reader.Read())
            {
                set.Add(reader.GetString(0));
            }

            columns[table] = set;
        }

        return new DatabaseSchema(columns);
    }

    public bool HasTable(string table) => _columns.ContainsKey(table);

    public IEnumerable<string> Tables => _columns.Keys;

    public bool Has(string table, string column) => _columns.TryGetValue(table, out var set) && set.Contains(column);

    public bool HasAll(string table, params string[] columns) => columns.All(c => Has(table, c));

    /// <summary>The column, quoted, or SQL NULL when this database lacks it.</summary>
    public string ColumnOrNull(string table, string column) => Has(table, column) ? Quote(column) : "NULL";

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
