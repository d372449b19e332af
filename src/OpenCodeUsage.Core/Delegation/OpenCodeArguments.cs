namespace OpenCodeUsage.Delegation;

/// <summary>The argument lists of <c>opencode run</c> for a task and for a warm session, never passed through a shell.</summary>
public static class OpenCodeArguments
{
    public const string WarmTitle = "OpenCodeUsage warm session";

    /// <summary>Small on purpose: every fork copies it, and the point is only to give tasks a shared, cached start.</summary>
    public const string WarmPrompt = "This session is the shared start of tasks delegated by OpenCodeUsage. Reply with OK.";

    /// <summary>
    /// OpenCode's log at INFO on stderr names the model and agent each session really used and the cause of errors
    /// that the JSON events only give a reference for. Global flags, so they come before <c>run</c>.
    /// </summary>
    private static readonly string[] Logging = ["--print-logs", "--log-level", "INFO"];

    /// <summary>
    /// <c>run --format json</c> with the task's settings, forking <paramref name="forkOf"/> when given, and no
    /// message: the prompt goes on standard input (see <see cref="StandardInput"/>). As arguments it could not
    /// arrive exactly (OpenCode's parser turns a bare number into a number and quotes words with spaces), Linux
    /// caps one argument at 128 KiB, and every user could read it in /proc/&lt;pid&gt;/cmdline.
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

        return args;
    }

    /// <summary>A new session titled <see cref="WarmTitle"/> answering <see cref="WarmPrompt"/>, with the task's model so its prefix is cached for it.</summary>
    public static IReadOnlyList<string> ForWarmSession(string? model)
    {
        var args = new List<string>(Logging) { "run", "--format", "json", "--title", WarmTitle };
        Add(args, "-m", model);
        return args;
    }

    /// <summary>
    /// What to write on standard input for <paramref name="prompt"/>. OpenCode reads a non-TTY stdin whole and
    /// appends it to its (here empty) message; LivePromptTests checks at the mock LLM that the model receives it exactly.
    /// </summary>
    public static string StandardInput(string prompt) => prompt;

    private static void Add(List<string> args, string flag, string? value)
    {
        if (value is not null)
        {
            args.AddRange([flag, value]);
        }
    }
}
