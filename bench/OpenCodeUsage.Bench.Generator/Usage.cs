namespace OpenCodeUsage.Bench.Generator;

/// <summary>The token counts of one model call, as OpenCode 1.14+ stores them (output excludes reasoning).</summary>
internal readonly record struct Usage(long Input, long Output, long Reasoning, long CacheRead, long CacheWrite)
{
    public long Total => Input + Output + Reasoning + CacheRead + CacheWrite;
}

/// <summary>Sums of assistant messages: what the expected totals and the session columns hold.</summary>
internal sealed class Totals
{
    public long Messages { get; private set; }
    public long Input { get; private set; }
    public long Output { get; private set; }
    public long Reasoning { get; private set; }
    public long CacheRead { get; private set; }
    public long CacheWrite { get; private set; }

    /// <summary>Summed exactly; each message's cost is a decimal that JSON prints without loss.</summary>
    public decimal Cost { get; private set; }

    public void Add(in Usage usage, decimal cost)
    {
        Messages++;
        Input += usage.Input;
        Output += usage.Output;
        Reasoning += usage.Reasoning;
        CacheRead += usage.CacheRead;
        CacheWrite += usage.CacheWrite;
        Cost += cost;
    }
}
