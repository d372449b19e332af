namespace OpenCodeUsage.Bench.Generator;

internal enum SessionKind
{
    Root,
    Child,
    Fork,
}

/// <summary>One model call of a turn: how many tools it calls, and the subagent session one of them starts.</summary>
internal sealed record StepPlan(int Tools, SessionPlan? Child);

/// <summary>One user message and the assistant steps answering it; the last one may be aborted.</summary>
internal sealed record TurnPlan(StepPlan[] Steps, bool Aborted);

/// <summary>The shape of a session, drawn before any content so the root sessions can be spread over time.</summary>
internal sealed class SessionPlan(SessionKind kind)
{
    public SessionKind Kind { get; } = kind;

    public List<TurnPlan> Turns { get; } = [];

    /// <summary>For a root session that gets forked: the fork, holding only the turns added after the copy.</summary>
    public SessionPlan? Fork { get; set; }

    /// <summary>Messages this session writes itself (user + assistant), not counting children or copies.</summary>
    public int OwnMessages => Turns.Sum(t => 1 + t.Steps.Length);

    /// <summary>Every message row this session causes: its own, its children's, and its fork's copies and turns.</summary>
    public int AllMessages =>
        OwnMessages +
        Turns.SelectMany(t => t.Steps).Where(s => s.Child is not null).Sum(s => s.Child!.AllMessages) +
        (Fork is null ? 0 : OwnMessages + Fork.OwnMessages);
}

/// <summary>
/// Draws session shapes until the message budget is spent. Turns per session are lognormal (most sessions
/// are short, a few run to hundreds of turns); ~15% of sessions are subagent children, ~3% forks.
/// </summary>
internal sealed class Planner(Random random)
{
    // Per root session: children 0.183 and forks 0.037 on average make 82% roots, 15% children, 3% forks.
    private const double ChildProbability = 0.13;
    private const double ForkProbability = 0.037;
    private const double AbortProbability = 0.008;

    public List<SessionPlan> PlanRoots(int messageBudget)
    {
        var roots = new List<SessionPlan>();
        var total = 0;
        while (total < messageBudget)
        {
            var root = PlanRoot();
            roots.Add(root);
            total += root.AllMessages;
        }

        return roots;
    }

    private SessionPlan PlanRoot()
    {
        var root = new SessionPlan(SessionKind.Root);
        var turns = LogNormalInt(median: 5, sigma: 1.1, min: 1, max: 300);
        for (var i = 0; i < turns; i++)
        {
            root.Turns.Add(PlanTurn(extraStepChance: 0.55));
        }

        if (random.NextDouble() < ChildProbability)
        {
            var children = 1 + (random.NextDouble() < 0.4 ? 1 : 0);
            for (var i = 0; i < children; i++)
            {
                AttachChild(root);
            }
        }

        if (random.NextDouble() < ForkProbability)
        {
            root.Fork = new SessionPlan(SessionKind.Fork);
            var added = Geometric(0.45, max: 20);
            for (var i = 0; i < added; i++)
            {
                root.Fork.Turns.Add(PlanTurn(extraStepChance: 0.55));
            }
        }

        return root;
    }

    private TurnPlan PlanTurn(double extraStepChance)
    {
        var count = 1 + Geometric(1 - extraStepChance, max: 24);
        var steps = new StepPlan[count];
        for (var i = 0; i < count; i++)
        {
            // A step that calls tools finishes with "tool-calls" and is followed by another; the last answers.
            steps[i] = new StepPlan(i < count - 1 ? ToolCount() : 0, null);
        }

        return new TurnPlan(steps, random.NextDouble() < AbortProbability);
    }

    private void AttachChild(SessionPlan parent)
    {
        var child = new SessionPlan(SessionKind.Child);
        var turns = random.NextDouble() < 0.9 ? 1 : 2;
        for (var i = 0; i < turns; i++)
        {
            child.Turns.Add(PlanTurn(extraStepChance: 0.7));
        }

        // The task tool runs in a step that calls tools; give one a second step if the session has none.
        var turn = parent.Turns[random.Next(parent.Turns.Count)];
        if (turn.Steps.Length == 1)
        {
            var index = parent.Turns.IndexOf(turn);
            turn = new TurnPlan([new StepPlan(1, null), turn.Steps[0]], turn.Aborted);
            parent.Turns[index] = turn;
        }

        var free = Enumerable.Range(0, turn.Steps.Length - 1).Where(i => turn.Steps[i].Child is null).ToArray();
        if (free.Length == 0)
        {
            return;
        }

        var at = free[random.Next(free.Length)];
        turn.Steps[at] = turn.Steps[at] with { Child = child };
    }

    private int ToolCount()
    {
        var roll = random.NextDouble();
        return roll < 0.55 ? 1 : roll < 0.85 ? 2 : 3;
    }

    private int Geometric(double stop, int max)
    {
        var n = 0;
        while (n < max && random.NextDouble() >= stop)
        {
            n++;
        }

        return n;
    }

    private int LogNormalInt(double median, double sigma, int min, int max) =>
        (int)Math.Clamp(Math.Round(Distributions.LogNormal(random, median, sigma)), min, max);
}

internal static class Distributions
{
    public static double Normal(Random random)
    {
        // Box-Muller; 1 - NextDouble() is never 0.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static double LogNormal(Random random, double median, double sigma) =>
        median * Math.Exp(sigma * Normal(random));

    public static long LogNormalLong(Random random, double median, double sigma, long min, long max) =>
        (long)Math.Clamp(Math.Round(LogNormal(random, median, sigma)), min, max);

    /// <summary>Log-uniform between the bounds: as many 1 KB outputs as 10 KB ones per doubling.</summary>
    public static int LogUniform(Random random, int min, int max) =>
        (int)Math.Round(min * Math.Pow((double)max / min, random.NextDouble()));
}
