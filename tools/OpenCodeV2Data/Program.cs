using OpenCodeV2Data;

// write <root> [<v1 opencode.db>]: regenerates every data set under <root>/<name>/ (opencode/ + ledger.tsv).
// bench <data-dir> S|M|L [seed]: a large native 2.x database and its expected.json (bench/).
if (args.Length is 3 or 4 && args[0] == "bench")
{
    var budget = args[2].ToUpperInvariant() switch { "S" => 25_000L, "M" => 250_000L, "L" => 1_000_000L, _ => throw new ArgumentException("size S, M or L") };
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var result = BenchScenario.Write(args[1], budget, args.Length == 4 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1, args[2].ToUpperInvariant());
    Console.WriteLine($"{args[1]}: {result.Rows:N0} rows, {result.Sessions:N0} sessions, {result.Children:N0} subagents, {result.Forks:N0} forks " +
                      $"({result.CopiedRows:N0} copied rows), {result.Ledger.Charges.Count:N0} charges, {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}
if (args.Length is < 2 or > 3 || args[0] != "write")
{
    Console.Error.WriteLine("usage: OpenCodeV2Data write <root> [<1.18.33 opencode.db>]   (e.g. write tests/data/v2 tests/data/oc-1.18.33/opencode/opencode.db)");
    Console.Error.WriteLine("       OpenCodeV2Data bench <data-dir> S|M|L [seed]");
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
