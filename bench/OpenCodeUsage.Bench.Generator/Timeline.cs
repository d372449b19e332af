namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// When root sessions start and in which project: about six months ending on a fixed date (no wall clock,
/// so a seed always gives the same file), fewer sessions on weekends, most in working hours (UTC), and a
/// few projects taking most of the work.
/// </summary>
internal static class Timeline
{
    public static readonly DateTimeOffset End = new(2026, 11, 15, 0, 0, 0, TimeSpan.Zero);
    public const int Days = 183;

    public static long Start => End.AddDays(-Days).ToUnixTimeMilliseconds();

    public static long[] RootStarts(Random random, int count)
    {
        var starts = new long[count];
        for (var i = 0; i < count; i++)
        {
            DateTimeOffset day;
            do
            {
                day = End.AddDays(-Days + random.Next(Days - 1));
            }
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday && random.NextDouble() > 0.35);

            var hour = Math.Clamp(14.0 + 3.5 * Distributions.Normal(random), 0, 23.99);
            starts[i] = day.ToUnixTimeMilliseconds() + (long)(hour * 3_600_000);
        }

        Array.Sort(starts);
        return starts;
    }

    public static List<ProjectInfo> Projects(Generation g, int count)
    {
        var projects = new List<ProjectInfo>();
        for (var i = 0; i < count; i++)
        {
            var name = Catalog.ProjectNames[i % Catalog.ProjectNames.Length];
            projects.Add(new ProjectInfo(g.Ids.Hex(40), $"/home/dev/projects/{name}", isGit: true, Start - g.Between(1, 30) * 86_400_000L));
        }

        projects.Add(new ProjectInfo("global", "/", isGit: false, Start - 40 * 86_400_000L));
        return projects;
    }

    /// <summary>Zipf-like: the first project gets the most sessions; "global" (last) a few.</summary>
    public static ProjectInfo PickProject(Random random, List<ProjectInfo> projects)
    {
        if (random.NextDouble() < 0.04)
        {
            return projects[^1];
        }

        var weights = Enumerable.Range(1, projects.Count - 1).Select(i => 1.0 / i).ToArray();
        var roll = random.NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            roll -= weights[i];
            if (roll < 0)
            {
                return projects[i];
            }
        }

        return projects[0];
    }
}
