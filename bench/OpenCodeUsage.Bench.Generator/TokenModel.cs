namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Token counts of a step as a provider bills them: the conversation so far is read from the prompt cache,
/// what was added since is new input (Anthropic-style models write it to the cache instead). The context
/// grows with every step until a compaction shrinks it.
/// </summary>
internal sealed class TokenModel(Generation g)
{
    private const long CompactAt = 170_000;
    private const long AfterCompaction = 18_000;

    /// <summary>A new session: a 9–15k-token system prompt, often still cached from the last session.</summary>
    public void StartSession(SessionState s)
    {
        var system = g.Between(9_000, 15_000);
        var cached = g.Chance(0.6);
        s.Context = cached ? system : 0;
        s.Pending = cached ? 0 : system;
    }

    public void AddPrompt(SessionState s, int chars) => s.Pending += Math.Max(1, chars / 4);

    public Usage Next(SessionState s, bool answer, bool reasons)
    {
        var prompt = s.Context + s.Pending;
        long input, cacheRead, cacheWrite = 0;
        if (s.Model.WritesCache)
        {
            cacheRead = s.Context;
            cacheWrite = s.Pending;
            input = g.Between(1, 12);
        }
        else
        {
            // Caches hit in 64-token blocks and miss now and then.
            cacheRead = g.Chance(0.07) ? 0 : s.Context / 64 * 64;
            input = prompt - cacheRead;
        }

        var output = g.LogNormal(answer ? 380 : 140, 0.9, 1, 16_000);
        var reasoning = reasons ? g.LogNormal(260, 1.0, 1, 24_000) : 0;
        s.Context = prompt > CompactAt ? AfterCompaction : prompt;
        s.Pending = output;
        return new Usage(input, output, reasoning, cacheRead, cacheWrite);
    }
}
