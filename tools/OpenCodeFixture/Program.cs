using OpenCodeFixture;
using OpenCodeFixture.Cli;

// Ctrl+C cancels instead of killing this process, so every OpenCode process it started is stopped.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var command = args.Length > 0 ? args[0] : "--help";
var rest = args.Skip(1);
try
{
    return command switch
    {
        "make" => await MakeCommand.RunAsync(rest, cancel.Token),
        "make-preview" => await MakePreviewCommand.RunAsync(rest, cancel.Token),
        "scrub" => await ScrubCommand.RunAsync(rest, cancel.Token),
        "mock" => await MockCommand.RunAsync(rest, cancel.Token),
        "locate" => Locate(),
        "--help" or "-h" or "help" => Help(Console.Out, 0),
        _ => throw new UsageException($"unknown command '{command}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine(e.Message);
    return Help(Console.Error, 2);
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled; every process started was stopped");
    return 130;
}
catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or NotSupportedException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

static int Help(TextWriter writer, int exitCode)
{
    writer.WriteLine(Usage.Text);
    return exitCode;
}

static int Locate()
{
    var binary = OpenCodeCli.Find();
    Console.WriteLine(binary ?? "no OpenCode binary found (run tools/install-opencode.sh)");
    return binary is null ? 1 : 0;
}
