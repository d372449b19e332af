namespace OpenCodeUsage.Delegation;

/// <summary>The argument lists of <c>opencode run</c> for a task and for a warm session, never passed through a shell.</summary>
public static class OpenCodeArguments
{
    public const string WarmTitle = "OpenCodeUsage warm session";

    /// <summary>Small on purpose: every fork copies it, and the point is only to give tasks a shared, cached start.</summary>
    public const string WarmPrompt = "This session is the shared start of tasks delegated by OpenCodeUsage. Reply with OK.";

    /// <summary>
    /// 1.x: OpenCode's log at INFO on stderr names the model and agent each session really used and the cause of errors
    /// that the JSON events only give a reference for. Global flags, so they come before <c>run</c>. 2.x has no
    /// <c>--log-level</c>, and its <c>--print-logs</c> shows the server's log only with <c>--standalone</c>: none.
    /// </summary>
    private static readonly string[] Logging = ["--print-logs", "--log-level", "INFO"];

    /// <summary>
    /// <c>run --format json</c> with the task's settings, continuing <paramref name="session"/> (forking it first when
    /// <paramref name="fork"/>), and no message: the prompt goes on standard input (see <see cref="StandardInput"/>).
    /// As arguments it could not arrive exactly (OpenCode's parser turns a bare number into a number and quotes words
    /// with spaces), Linux caps one argument at 128 KiB, and every user could read it in /proc/&lt;pid&gt;/cmdline.
    /// The directory is the process's working directory (and $PWD) on both generations: 1.x's <c>--dir</c> is not needed
    /// and 2.x has none. 1.x names the variant with <c>--variant</c>; 2.x only as <c>-m provider/model#variant</c>, so
    /// there a variant needs a model (VariantNeedsModel).
    /// </summary>
    public static IReadOnlyList<string> ForTask(DelegateTask task, string? session, bool fork, CliGeneration generation)
    {
        var args = Start(generation);
        AddModel(args, task.Model, task.Variant, generation);
        Add(args, "--agent", task.Agent);
        if (session is not null)
        {
            args.AddRange(["--session", session]);
            if (fork)
            {
                args.Add("--fork");
            }
        }

        return args;
    }

    /// <summary>A new session titled <see cref="WarmTitle"/> answering <see cref="WarmPrompt"/>, with the task's model so its prefix is cached for it.</summary>
    public static IReadOnlyList<string> ForWarmSession(string? model, CliGeneration generation)
    {
        var args = Start(generation);
        args.AddRange(["--title", WarmTitle]);
        Add(args, "-m", model);
        return args;
    }

    /// <summary>
    /// 1.x <c>opencode serve</c> on loopback, on a port the system picks (it prints the address), for forking and
    /// titling a warm session (<see cref="ForkServer"/>); the password goes in the environment, never here.
    /// </summary>
    public static IReadOnlyList<string> ForForkServer() => ["serve", "--hostname", "127.0.0.1", "--port", "0"];

    private static List<string> Start(CliGeneration generation) =>
        generation == CliGeneration.V1 ? [.. Logging, "run", "--format", "json"] : ["run", "--format", "json"];

    private static void AddModel(List<string> args, string? model, string? variant, CliGeneration generation)
    {
        if (generation == CliGeneration.V1)
        {
            Add(args, "-m", model);
            Add(args, "--variant", variant);
            return;
        }

        if (variant is not null && model is null)
        {
            throw new OpenCodeUsageException("VariantNeedsModel", FailureKind.InvalidArgument,
                $"OpenCode 2.x takes a variant only as part of the model (-m provider/model#variant): give -Model (or a Model: line) with the variant '{variant}'.",
                variant);
        }

        Add(args, "-m", variant is null ? model : model + "#" + variant);
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
