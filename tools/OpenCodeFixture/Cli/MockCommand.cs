using OpenCodeFixture.Mock;

namespace OpenCodeFixture.Cli;

/// <summary>`mock`: the mock LLM alone, like `python3 mockllm.py 0 [log]`, until Ctrl+C.</summary>
static class MockCommand
{
    public static async Task<int> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var cli = CliArguments.Parse(args, new HashSet<string>());
        var log = cli.Value("log");
        cli.RejectUnknown();
        await using var mock = MockLlmServer.Start(new MockLlmOptions(LogFile: log));
        Console.WriteLine($"LISTENING {mock.Port}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: stop serving
        }
        return 0;
    }
}
