using OpenCodeV2Data;

// write <root> [<v1 opencode.db>]: regenerates every data set under <root>/<name>/ (opencode/ + ledger.tsv).
if (args.Length is < 2 or > 3 || args[0] != "write")
{
    Console.Error.WriteLine("usage: OpenCodeV2Data write <root> [<1.18.33 opencode.db>]   (e.g. write tests/data/v2 tests/data/oc-1.18.33/opencode/opencode.db)");
    return 2;
}
var root = args[1];
var v1 = args.Length == 3 ? args[2] : Path.Combine(root, "..", "oc-1.18.33", "opencode", "opencode.db");
foreach (var name in DataSets.Names)
{
    var dataDir = Path.Combine(root, name, "opencode");
    Directory.CreateDirectory(dataDir);
    foreach (var stale in new[] { "opencode.db", "opencode.db-wal", "opencode.db-shm", "auth.json" })
        File.Delete(Path.Combine(dataDir, stale));
    var ledger = DataSets.Write(name, dataDir, v1);
    File.WriteAllText(Path.Combine(root, name, "ledger.tsv"), ledger.ToTsv());
    Console.WriteLine($"{name}: {ledger.Charges.Count} charges -> {dataDir}");
}
return 0;
