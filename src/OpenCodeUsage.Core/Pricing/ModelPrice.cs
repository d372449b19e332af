namespace OpenCodeUsage.Pricing;

/// <summary>USD per million tokens, as models.dev and OpenCode's config write them.</summary>
internal sealed record PriceRates(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite, decimal? Reasoning);

/// <summary>A model's prices; the higher tier applies, as in OpenCode, once input and cache reads exceed 200k tokens.</summary>
internal sealed record ModelPrice(PriceRates Base, PriceRates? Over200K)
{
    private const long LongContextThreshold = 200_000;

    /// <summary>Whether a message of this size is billed at the long-context tier.</summary>
    public bool IsLongContext(long input, long cacheRead) => Over200K is not null && input + cacheRead > LongContextThreshold;

    /// <summary>What the message would cost at these prices. Reasoning is priced at the output rate unless a reasoning rate is given.</summary>
    public decimal Estimate(long input, long output, long reasoning, long cacheRead, long cacheWrite) =>
        Estimate(input, output, reasoning, cacheRead, cacheWrite, IsLongContext(input, cacheRead));

    /// <summary>The cost of summed tokens all billed at one tier: prices are linear, so a group is priced once, not per message.</summary>
    public decimal Estimate(long input, long output, long reasoning, long cacheRead, long cacheWrite, bool longContext)
    {
        var rates = longContext ? Over200K! : Base;
        var total = input * rates.Input + output * rates.Output + reasoning * (rates.Reasoning ?? rates.Output)
                    + cacheRead * rates.CacheRead + cacheWrite * rates.CacheWrite;
        return total / 1_000_000m;
    }
}
