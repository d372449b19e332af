using OpenCodeUsage.Bench.Host;

// Modes (bench/run.sh drives them; every measurement is one JSON line on stdout):
//   import    --module <psd1>                             Import-Module in this fresh process
//   insession --module <psd1> --data <dir> [--runs N] [--expected <json>] [--append <db>] [--jit-log <file>]
//   e2e       --module <psd1> --data <dir> --command usage-cold|usage|usage-model|session [--jit-log <file>]
//   report    --results <jsonl> --size S|M|L             the table, as Markdown
try
{
    var arguments = new Arguments(args);
    return arguments.Mode switch
    {
        "import" => Modes.Import(arguments),
        "insession" => Modes.InSession(arguments),
        "e2e" => Modes.EndToEnd(arguments),
        "report" => Report.Print(arguments.Required("results"), arguments.Required("size")),
        _ => throw new ArgumentException("mode must be import, insession, e2e or report"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (System.Management.Automation.RuntimeException ex)
{
    Console.Error.WriteLine($"{ex.ErrorRecord.FullyQualifiedErrorId}: {ex.Message}");
    return 1;
}
