namespace OpenCodeUsage.Discovery;

/// <summary>One OpenCode data directory and the stores found in it.</summary>
/// <param name="DataDirectory">The data dir (for a database given directly, its folder).</param>
/// <param name="Databases">SQLite databases to read: opencode.db and channel databases, or the one OPENCODE_DB names.</param>
/// <param name="LegacyStorage">The legacy JSON <c>storage</c> folder when it holds sessions, else null.</param>
/// <param name="GivenFile">The database file, when one was given rather than a data dir.</param>
public sealed record DataSource(string DataDirectory, IReadOnlyList<string> Databases, string? LegacyStorage, string? GivenFile = null)
{
    /// <summary>What reads this source again when passed as a data path: the file given, else the data dir.</summary>
    public string DataPath => GivenFile ?? DataDirectory;
}
