using System.Diagnostics;

namespace OpenCodeUsage.Bench.Host;

internal static class Modes
{
    /// <summary>Import-Module alone, in a fresh process (run.sh runs this several times for a median).</summary>
    public static int Import(Arguments args)
    {
        using var engine = new Engine();
        var import = engine.Import(args.Path("module"));
        new Sample("ours.import", import.Ms, import.RssMb, import.ManagedMb, CpuMs: import.CpuMs, JitMs: import.JitMs, JitMethods: import.JitMethods).Print();
        return 0;
    }

    /// <summary>
    /// Everything measured inside one session: the first call (JIT included), cold calls, warm calls,
    /// calls after a new message was written, Get-OpenCodeSession, then the correctness check.
    /// </summary>
    public static int InSession(Arguments args)
    {
        var data = args.Path("data");
        var runs = args.Int("runs", 3);
        using var engine = new Engine();
        new Sample("ours.insession.runspace_open", engine.OpenMs).Print();
        engine.Import(args.Path("module"));
        var noCache = Commands.SupportsNoCache(engine);
        Console.Error.WriteLine(noCache ? "Get-OpenCodeUsage has -NoCache: cold runs pass it" : "Get-OpenCodeUsage has no -NoCache yet: every run reads everything");

        using var jitLog = args.Optional("jit-log") is null ? null : new JitLog();
        if (jitLog is not null)
        {
            jitLog.Recording = true;
        }

        Measure(engine, "ours.insession.usage_first", 1, Commands.DailyUsage(data, noCache));
        if (jitLog is not null)
        {
            jitLog.Recording = false;
            jitLog.Save(args.Path("jit-log"));
        }

        if (jitLog is not null)
        {
            jitLog.Recording = true;
        }

        Measure(engine, "ours.insession.usage_cold", runs, Commands.DailyUsage(data, noCache));
        if (jitLog is not null)
        {
            // What the runtime compiles while the cold calls repeat: tier-1 and PGO recompiles, on a core the scan wanted.
            jitLog.Recording = false;
            jitLog.Save(args.Path("jit-log") + ".cold");
        }

        engine.Run(Commands.DailyUsage(data, noCache: false)); // fills whatever cache the module keeps
        Measure(engine, "ours.insession.usage_warm", runs, Commands.DailyUsage(data, noCache: false));
        if (args.OptionalPath("append") is { } database)
        {
            AfterNewMessage(engine, database, data, runs);
        }

        Measure(engine, "ours.insession.session_first", 1, Commands.Sessions(data));
        Measure(engine, "ours.insession.session", runs, Commands.Sessions(data));
        if (args.OptionalPath("expected") is { } expected)
        {
            var check = engine.Run(Commands.DailyUsage(data, noCache, timeZone: "UTC"));
            var verdict = Correctness.Compare(check.Output, expected);
            Console.Error.WriteLine($"correctness vs {Path.GetFileName(expected)}: {verdict}");
            new Sample("check", check.Ms, check.RssMb, check.ManagedMb, verdict, check.CpuMs).Print();
        }

        using var process = Process.GetCurrentProcess();
        new Sample("ours.insession.process_peak", 0, process.PeakWorkingSet64 / 1048576.0).Print();
        return 0;
    }

    /// <summary>A fresh process that imports the module and runs one command, as a user's pwsh -c would.</summary>
    public static int EndToEnd(Arguments args)
    {
        var data = args.Path("data");
        var command = args.Required("command");
        using var engine = new Engine();
        var import = engine.Import(args.Path("module"));
        var build = command switch
        {
            "usage-cold" => Commands.DailyUsage(data, Commands.SupportsNoCache(engine)),
            "usage" => Commands.DailyUsage(data, noCache: false),
            // With the persistent cache another question than the one the priming process asked (-GroupBy Day).
            "usage-model" => Commands.Usage(data, "Model", noCache: false),
            "session" => Commands.Sessions(data),
            _ => throw new ArgumentException("--command must be usage-cold, usage, usage-model or session"),
        };
        using var jitLog = args.Optional("jit-log") is null ? null : new JitLog { Recording = true };
        var run = engine.Run(build);
        jitLog?.Save(args.Path("jit-log"));
        new Sample($"ours.e2e.{command}.import", import.Ms, CpuMs: import.CpuMs).Print();
        new Sample($"ours.e2e.{command}.command", run.Ms, run.RssMb, run.ManagedMb, $"{run.Output.Count} rows", run.CpuMs, run.JitMs, run.JitMethods).Print();
        return 0;
    }

    /// <summary>Each run: OpenCode writes one more assistant message, then the report is asked for again.</summary>
    private static void AfterNewMessage(Engine engine, string database, string data, int runs)
    {
        var appender = new MessageAppender(database);
        try
        {
            for (var i = 0; i < runs; i++)
            {
                appender.Append(i);
                Measure(engine, "ours.insession.usage_after_append", 1, Commands.DailyUsage(data, noCache: false));
            }
        }
        finally
        {
            appender.RemoveAll();
        }

        engine.Run(Commands.DailyUsage(data, noCache: false)); // back to the state the other figures assume
    }

    private static void Measure(Engine engine, string metric, int runs, Action<System.Management.Automation.PowerShell> build)
    {
        for (var i = 0; i < runs; i++)
        {
            var run = engine.Run(build);
            new Sample(metric, run.Ms, run.RssMb, run.ManagedMb, $"{run.Output.Count} rows", run.CpuMs, run.JitMs, run.JitMethods).Print();
        }
    }
}
