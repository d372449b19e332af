using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Discovery;

/// <summary>
/// Finds OpenCode's data the way OpenCode itself does: XDG_DATA_HOME or the platform default,
/// opencode.db or opencode-&lt;channel&gt;.db, OPENCODE_DB, and legacy <c>storage/</c> JSON.
/// </summary>
public static class DataLocator
{
    /// <summary>Resolves user-given paths (data dirs or database files), or the default place when none are given.</summary>
    /// <param name="paths">Paths as the user typed them, already made absolute by the caller; null or empty for the default.</param>
    /// <param name="environment">Reads an environment variable (injected so tests need not touch the process).</param>
    public static IReadOnlyList<DataSource> Resolve(IReadOnlyList<string>? paths, Func<string, string?> environment) =>
        Resolve(paths, environment, null);

    /// <summary>
    /// As <see cref="Resolve(IReadOnlyList{string}?, Func{string, string?})"/>, but a given path that is not there
    /// fails <paramref name="diagnostics"/> and the others are still read; only when none is there does it throw.
    /// </summary>
    public static IReadOnlyList<DataSource> Resolve(IReadOnlyList<string>? paths, Func<string, string?> environment, ReadDiagnostics? diagnostics)
    {
        if (paths is { Count: > 0 })
        {
            if (diagnostics is null)
            {
                return paths.Select(p => ResolveExplicit(p)).ToList();
            }

            var found = new List<DataSource>();
            var missing = new List<OpenCodeUsageException>();
            foreach (var path in paths)
            {
                try
                {
                    found.Add(ResolveExplicit(path));
                }
                catch (OpenCodeUsageException ex) when (ex.Kind == FailureKind.NotFound)
                {
                    missing.Add(ex);
                }
            }

            if (found.Count == 0)
            {
                throw missing[0];
            }

            foreach (var failure in missing)
            {
                diagnostics.Fail(failure);
            }

            return found;
        }

        var dataDir = DefaultDataDirectory(environment);
        if (!Directory.Exists(dataDir))
        {
            throw new OpenCodeUsageException(
                "DataDirectoryNotFound", FailureKind.NotFound,
                $"OpenCode's data directory was not found at '{dataDir}' (from {DescribeDefault(environment)}). " +
                "Pass -DataPath, or set XDG_DATA_HOME, if OpenCode keeps its data elsewhere.",
                dataDir);
        }

        var db = environment("OPENCODE_DB");
        if (!string.IsNullOrWhiteSpace(db) && db != ":memory:")
        {
            var dbPath = Path.IsPathRooted(db) ? db : Path.GetFullPath(Path.Combine(dataDir, db));
            if (!File.Exists(dbPath))
            {
                throw new OpenCodeUsageException(
                    "DatabaseNotFound", FailureKind.NotFound,
                    $"OPENCODE_DB names '{dbPath}', which does not exist.", dbPath);
            }

            return [new DataSource(dataDir, [dbPath], FindLegacyStorage(dataDir))];
        }

        return [FromDirectory(dataDir)];
    }

    /// <summary>The data dir OpenCode uses when nothing overrides it.</summary>
    public static string DefaultDataDirectory(Func<string, string?> environment) => OpenCodePaths.DataDirectory(environment);

    private static string DescribeDefault(Func<string, string?> environment) =>
        string.IsNullOrWhiteSpace(environment("XDG_DATA_HOME")) ? "the platform default" : "XDG_DATA_HOME";

    private static DataSource ResolveExplicit(string path)
    {
        if (File.Exists(path))
        {
            return new DataSource(Path.GetDirectoryName(path) ?? ".", [path], null, path);
        }

        if (!Directory.Exists(path))
        {
            throw new OpenCodeUsageException(
                "DataDirectoryNotFound", FailureKind.NotFound,
                $"The data path '{path}' does not exist.", path);
        }

        return FromDirectory(path);
    }

    private static DataSource FromDirectory(string dir)
    {
        var databases = FindDatabases(dir);
        var legacy = FindLegacyStorage(dir);
        if (databases.Count == 0 && legacy is null)
        {
            throw new OpenCodeUsageException(
                "DatabaseNotFound", FailureKind.NotFound,
                $"No OpenCode database was found in '{dir}': tried '{Path.Combine(dir, "opencode.db")}', " +
                $"'{Path.Combine(dir, "opencode-<channel>.db")}' and legacy JSON in '{Path.Combine(dir, "storage", "session")}'. " +
                "Pass -DataPath with the folder that holds opencode.db (OpenCode's data directory, e.g. ~/.local/share/opencode), or the database file itself.",
                dir);
        }

        return new DataSource(dir, databases, legacy);
    }

    /// <summary>opencode.db first, then channel databases by name, so the main store wins ties.</summary>
    internal static IReadOnlyList<string> FindDatabases(string dir)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dir, "opencode*.db"))
        {
            var name = Path.GetFileName(file);
            if (name == "opencode.db" || (name.StartsWith("opencode-", StringComparison.Ordinal) && name.Length > "opencode-.db".Length))
            {
                found.Add(file);
            }
        }

        found.Sort((a, b) =>
        {
            var aMain = Path.GetFileName(a) == "opencode.db";
            var bMain = Path.GetFileName(b) == "opencode.db";
            return aMain != bMain ? (aMain ? -1 : 1) : string.CompareOrdinal(a, b);
        });
        return found;
    }

    private static string? FindLegacyStorage(string dir)
    {
        var storage = Path.Combine(dir, "storage");
        return Directory.Exists(Path.Combine(storage, "session")) ? storage : null;
    }
}
