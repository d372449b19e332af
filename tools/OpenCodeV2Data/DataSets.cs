namespace OpenCodeV2Data;

/// <summary>The generated data sets, by name; each is a data dir (opencode.db, auth.json) plus the generator's ledger.</summary>
public static class DataSets
{
    public static IReadOnlyList<string> Names { get; } = ["native", "upgraded-columns", "preview-shape", "migrated"];

    /// <summary>
    /// Writes data set <paramref name="name"/> into <paramref name="dataDir"/> (created; its opencode.db must not exist).
    /// "migrated" starts from a copy of <paramref name="v1Database"/> (the real tests/data/oc-1.18.33 database).
    /// </summary>
    public static Ledger Write(string name, string dataDir, string? v1Database = null)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "opencode.db");
        V2Database db;
        switch (name)
        {
            case "native":
            case "upgraded-columns":
                db = V2Database.Create(path, name == "native" ? Shape.Native : Shape.UpgradedColumns, seed: 2);
                NativeScenario.Write(db);
                NativeScenario.WriteCredentials(db);
                File.WriteAllText(Path.Combine(dataDir, "auth.json"), NativeScenario.AuthJson);
                break;
            case "preview-shape":
                db = V2Database.Create(path, Shape.Preview, seed: 3);
                NativeScenario.Write(db, preview: true);
                break;
            case "migrated":
                ArgumentException.ThrowIfNullOrEmpty(v1Database);
                if (File.Exists(path)) throw new IOException("exists already: " + path);
                File.Copy(v1Database, path);
                var auth = Path.Combine(Path.GetDirectoryName(v1Database)!, "auth.json");
                if (File.Exists(auth)) File.Copy(auth, Path.Combine(dataDir, "auth.json"), overwrite: true);
                db = V2Database.Attach(path, seed: 4, sessionTable: "session_v2");
                MigratedScenario.Write(db);
                break;
            default:
                throw new ArgumentException("unknown data set: " + name, nameof(name));
        }
        using (db)
        {
            db.Execute("VACUUM");
            return db.Ledger;
        }
    }
}
