using System.Diagnostics;
using OpenCodeUsage.Bench.Generator;

// Generates a large OpenCode 1.18.33 database and <db>.expected.json beside it. See bench/README.md.
GeneratorOptions options;
try
{
    options = GeneratorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(GeneratorOptions.Usage);
    return 2;
}

var clock = Stopwatch.StartNew();
Directory.CreateDirectory(Path.GetDirectoryName(options.Out)!);
foreach (var suffix in new[] { "", "-wal", "-shm", "-journal", ".expected.json" })
{
    File.Delete(options.Out + suffix);
}

if (options.Generation == 2)
{
    // A native OpenCode 2.x database (session_v2 + session_message, no 1.x tables), rows as the message budget.
    var v2 = OpenCodeV2Data.BenchScenario.Write(Path.GetDirectoryName(options.Out)!, options.MessageBudget, options.Seed, options.Size);
    Console.WriteLine($"{options.Out}: size {options.Size} (2.x), seed {options.Seed}, {new FileInfo(options.Out).Length / 1048576.0:N0} MiB, " +
                      $"{v2.Rows:N0} rows, {v2.Sessions + v2.Children + v2.Forks:N0} sessions ({v2.Children:N0} subagent, {v2.Forks:N0} forks, " +
                      $"{v2.CopiedRows:N0} copied rows), {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}

// Two streams: the plan's shape does not depend on how much random text the content drew.
var plans = new Planner(new Random(options.Seed)).PlanRoots(options.MessageBudget);
var random = new Random(unchecked(options.Seed * 7919 + 104_729));
var starts = Timeline.RootStarts(random, plans.Count);
var schema = SchemaTemplate.Read(options.Template);
var expected = new ExpectedTotals();
using (var db = new DbWriter(options.Out, schema, Timeline.Start - 45 * 86_400_000L))
{
    var g = new Generation(db, random, new TextCorpus(random), expected, options);
    var projects = Timeline.Projects(g, options.Projects);
    var sessions = new SessionWriter(g);
    for (var i = 0; i < plans.Count; i++)
    {
        sessions.WriteRoot(plans[i], starts[i], Timeline.PickProject(random, projects));
        if (i % Math.Max(1, plans.Count / 20) == 0)
        {
            Console.Error.WriteLine($"  {100 * i / plans.Count,3}%  {db.Messages:N0} messages, {db.Parts:N0} parts, {db.Events:N0} events, {clock.Elapsed.TotalSeconds:F0} s");
        }
    }

    foreach (var project in projects)
    {
        db.Project(project.Id, project.Worktree, project.IsGit ? "git" : null, project.Created, project.Updated);
    }

    db.Finish();
    expected.Write(options.Out + ".expected.json", options, db);
    var bytes = new FileInfo(options.Out).Length;
    Console.WriteLine(
        $"{options.Out}: size {options.Size}, seed {options.Seed}, {bytes / 1048576.0:N0} MiB, {db.Messages:N0} messages " +
        $"({expected.Raw.Messages:N0} assistant, {expected.ForkCopiedMessages:N0} fork copies), {db.Parts:N0} parts, {db.Events:N0} events, " +
        $"{expected.RootSessions + expected.ChildSessions + expected.ForkSessions:N0} sessions ({expected.ChildSessions:N0} subagent, {expected.ForkSessions:N0} forks), " +
        $"{clock.Elapsed.TotalSeconds:F1} s");
}

return 0;
