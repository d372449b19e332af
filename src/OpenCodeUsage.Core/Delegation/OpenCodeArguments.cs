namespace OpenCodeUsage.Delegation;

/// <summary>The argument lists of <c>opencode run</c> for a task and for a warm session, never passed through a shell.</summary>
public static class OpenCodeArguments
{
    public const string WarmTitle = "OpenCodeUsage warm session";

    /// <summary>Small on purpose: every fork copies it, and the point is only to give tasks a shared, cached start.</summary>
    public const string WarmPrompt = "This session is the shared start of tasks delegated by OpenCodeUsage. Reply with OK.";

    // Windows limits a whole command line to 32,767 characters; Linux limits one argument to 128 KiB.
    private const int WindowsCommandLineBudget = 30_000;
    private const int UnixPromptBudget = 1_000_000;
    private const int UnixWordBudget = 100_000;

    /// <summary>
    /// OpenCode's log at INFO on stderr names the model and agent each session really used and the cause of errors
    /// that the JSON events only give a reference for. Global flags, so they come before <c>run</c>.
    /// </summary>
    private static readonly string[] Logging = ["--print-logs", "--log-level", "INFO"];

    /// <summary>
    /// <c>run --format json</c> with the task's settings, forking <paramref name="forkOf"/> when given, then
    /// <c>--</c> and the prompt split at each space. OpenCode joins its message arguments with single spaces but
    /// wraps any argument containing a space in literal quotes, so splitting at every space (empty words kept)
    /// is the one way it receives the prompt exactly; after <c>--</c> no word is taken for a flag.
    /// </summary>
    public static IReadOnlyList<string> ForTask(DelegateTask task, string? forkOf)
    {
        var args = new List<string>(Logging) { "run", "--format", "json" };
        Add(args, "-m", task.Model);
        Add(args, "--variant", task.Variant);
        Add(args, "--agent", task.Agent);
        if (forkOf is not null)
        {
            args.AddRange(["--session", forkOf, "--fork"]);
        }

        if (!PromptOnStandardInput(task.Prompt))
        {
            args.Add("--");
            args.AddRange(task.Prompt.Split(' '));
        }

        return args;
    }

    /// <summary>A new session titled <see cref="WarmTitle"/> answering <see cref="WarmPrompt"/>, with the task's model so its prefix is cached for it.</summary>
    public static IReadOnlyList<string> ForWarmSession(string? model)
    {
        var args = new List<string>(Logging) { "run", "--format", "json", "--title", WarmTitle };
        Add(args, "-m", model);
        args.Add("--");
        args.AddRange(WarmPrompt.Split(' '));
        return args;
    }

    /// <summary>
    /// A prompt too long for the command line goes through standard input instead, which <c>opencode run</c>
    /// appends to its (then empty) message; every other prompt is an argument and standard input stays empty.
    /// </summary>
    public static bool PromptOnStandardInput(string prompt) => OperatingSystem.IsWindows()
        ? prompt.Length > WindowsCommandLineBudget
        : prompt.Length > UnixPromptBudget || prompt.Split(' ').Any(w => w.Length > UnixWordBudget);

    private static void Add(List<string> args, string flag, string? value)
    {
        if (value is not null)
        {
            args.AddRange([flag, value]);
        }
    }
}
