namespace OpenCodeFixture.Cli;

/// <summary>`scrub`: scrub.sh — rewrite a path prefix in a copied data dir.</summary>
static class ScrubCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var cli = CliArguments.Parse(args, new HashSet<string>());
        cli.RejectUnknown();
        if (cli.Positional.Count is < 2 or > 3) throw new UsageException("scrub <data-dir> <old-prefix> [new-prefix]");
        var newPrefix = cli.Positional.Count == 3 ? cli.Positional[2] : Scrubber.DefaultNewPrefix;
        await Scrubber.ScrubAsync(cli.Positional[0], cli.Positional[1], newPrefix, ct);
        Console.WriteLine($"scrubbed {cli.Positional[0]}: {cli.Positional[1]} -> {newPrefix}");
        return 0;
    }
}
