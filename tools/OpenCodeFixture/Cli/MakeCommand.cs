using System.Globalization;
using OpenCodeFixture.Scenario;

namespace OpenCodeFixture.Cli;

/// <summary>`make`: the full scenario with the located binary, then a summary (and optionally a scrubbed copy).</summary>
static class MakeCommand
{
    static readonly HashSet<string> Flags = ["scrub", "force"];

    public static async Task<int> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var cli = CliArguments.Parse(args, Flags);
        var output = cli.Value("out") ?? throw new UsageException("make needs --out <dir>");
        var options = new ScenarioOptions
        {
            OutputDirectory = output,
            Sessions = cli.Int("sessions", 6),
            Steps = ParseSteps(cli.Value("steps")),
            OpenCodeBinary = cli.Value("bin"),
            RunTimeout = TimeSpan.FromSeconds(cli.Int("timeout", 180)),
            ExtraRunArguments = (cli.Value("run-flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
            ReuseOutputDirectory = cli.Flag("force"),
            StepFinished = PrintStep,
        };
        var scrub = cli.Flag("scrub");
        var dataDestination = cli.Value("data-dest");
        cli.RejectUnknown();
        if (cli.Positional.Count > 0) throw new UsageException($"unexpected argument '{cli.Positional[0]}'");

        Console.WriteLine($"making OpenCode data in {Path.GetFullPath(output)} ({options.Sessions} sessions, steps: {options.Steps})");
        var result = await OpenCodeScenario.RunAsync(options, ct);
        PrintSummary(result);

        if (scrub || dataDestination is not null)
        {
            var destination = Path.GetFullPath(dataDestination ?? Path.Combine(result.OutputDirectory, "data"));
            Scrubber.CopyDataDirectory(result.DataDirectory, destination);
            if (scrub) await Scrubber.ScrubAsync(destination, result.OutputDirectory, Scrubber.DefaultNewPrefix, ct);
            Console.WriteLine($"copied data dir -> {destination}" + (scrub ? $" (paths under {result.OutputDirectory} -> {Scrubber.DefaultNewPrefix})" : ""));
        }
        return result.AllSucceeded ? 0 : 1;
    }

    static ScenarioSteps ParseSteps(string? list)
    {
        if (list is null) return ScenarioSteps.All;
        var steps = ScenarioSteps.None;
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            steps |= name switch
            {
                "all" => ScenarioSteps.All,
                "none" => ScenarioSteps.None,
                "second-turn" => ScenarioSteps.SecondTurn,
                "subagent" => ScenarioSteps.Subagent,
                "serve" => ScenarioSteps.ServeSession,
                "fork" => ScenarioSteps.Fork,
                "stats" => ScenarioSteps.Stats,
                _ => throw new UsageException($"unknown step '{name}'"),
            };
        }
        return steps;
    }

    static void PrintStep(ScenarioStepResult step) =>
        Console.WriteLine($"  {step.Label} ({step.Kind}{(step.Model.Length > 0 ? ", " + step.Model : "")}, {step.Project}): " +
                          $"{Seconds(step.Duration)}s rc={step.ExitCode}{(step.TimedOut ? " TIMED OUT" : "")} session {step.SessionId ?? "-"}");

    static void PrintSummary(ScenarioResult result)
    {
        Console.WriteLine();
        Console.WriteLine($"opencode {result.Features.Version} ({result.Binary})");
        Console.WriteLine($"total {Seconds(result.Duration)}s, {result.Steps.Count} steps, " +
                          $"{result.Steps.Count(s => !s.Succeeded)} failed");
        Console.WriteLine($"data dir:  {result.DataDirectory}");
        Console.WriteLine($"database:  {(File.Exists(result.DatabasePath) ? result.DatabasePath : "(none: legacy storage/ JSON)")}");
        Console.WriteLine($"sessions:  {string.Join(' ', result.SessionIds)}");
        if (result.SubagentParentSessionId is not null)
            Console.WriteLine($"subagent parent: {result.SubagentParentSessionId} -> child {result.SubagentSessionId ?? "(not seen)"}");
        if (result.ServeSessionId is not null) Console.WriteLine($"over HTTP:       {result.ServeSessionId}");
        if (result.ForkSessionId is not null) Console.WriteLine($"fork of s01:     {result.ForkSessionId}");
        var answered = result.MockRequests;
        Console.WriteLine($"mock answered {answered.Count} requests ({answered.Count(r => r.IsTitleRequest)} title), models: " +
                          string.Join(", ", answered.Select(r => r.Model).Distinct()));
        foreach (var failed in result.Steps.Where(s => !s.Succeeded))
            Console.WriteLine($"FAILED {failed.Label}: see {Path.Combine(result.OutputDirectory, "runs", failed.Label)}.*");
    }

    static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
