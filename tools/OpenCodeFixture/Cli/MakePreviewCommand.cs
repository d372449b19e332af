using OpenCodeFixture.Scenario;

namespace OpenCodeFixture.Cli;

/// <summary>`make-preview`: the 2.0-preview scenario with the preview binary (`lildax`), then a scrubbed copy.</summary>
static class MakePreviewCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var cli = CliArguments.Parse(args, new HashSet<string> { "scrub" });
        var output = cli.Value("out") ?? throw new UsageException("make-preview needs --out <dir>");
        var binary = cli.Value("bin") ?? throw new UsageException("make-preview needs --bin <path to lildax>");
        var scrub = cli.Flag("scrub");
        var dataDestination = cli.Value("data-dest");
        cli.RejectUnknown();
        if (cli.Positional.Count > 0) throw new UsageException($"unexpected argument '{cli.Positional[0]}'");

        await using var sandbox = await OpenCodeSandbox.CreateAsync(new SandboxOptions { OutputDirectory = output, OpenCodeBinary = binary }, ct);
        Console.WriteLine($"making OpenCode 2.0-preview data in {sandbox.OutputDirectory} with {sandbox.Binary}");
        var sessions = await PreviewScenario.RunAsync(sandbox, Console.WriteLine, ct);
        Console.WriteLine($"sessions: {string.Join(' ', sessions)}; mock answered {sandbox.Mock.Requests.Count} requests");

        if (scrub || dataDestination is not null)
        {
            var destination = Path.GetFullPath(dataDestination ?? Path.Combine(sandbox.OutputDirectory, "data"));
            Scrubber.CopyDataDirectory(sandbox.DataDirectory, destination);
            if (scrub) await Scrubber.ScrubAsync(destination, sandbox.OutputDirectory, Scrubber.DefaultNewPrefix, ct);
            Console.WriteLine($"copied data dir -> {destination}" + (scrub ? $" (paths under {sandbox.OutputDirectory} -> {Scrubber.DefaultNewPrefix})" : ""));
        }
        return 0;
    }
}
