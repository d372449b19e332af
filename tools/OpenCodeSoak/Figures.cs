using System.Globalization;

namespace OpenCodeSoak;

/// <summary>Usage figures as every reader reports them: assistant messages, the five token counts, cost in USD.</summary>
internal readonly record struct Figures(long Messages, long Input, long Output, long Reasoning, long CacheRead, long CacheWrite, decimal Cost)
{
    /// <summary>Costs are sums of doubles stored by OpenCode: equal within a billionth of a dollar.</summary>
    public const decimal CostTolerance = 1e-9m;

    public static Figures operator +(Figures a, Figures b) => new(a.Messages + b.Messages, a.Input + b.Input, a.Output + b.Output,
        a.Reasoning + b.Reasoning, a.CacheRead + b.CacheRead, a.CacheWrite + b.CacheWrite, a.Cost + b.Cost);

    /// <summary>Equal tokens and cost; message counts too when both sides count them.</summary>
    public bool Matches(Figures other, bool compareMessages = true) =>
        (!compareMessages || Messages == other.Messages) && Input == other.Input && Output == other.Output && Reasoning == other.Reasoning
        && CacheRead == other.CacheRead && CacheWrite == other.CacheWrite && Math.Abs(Cost - other.Cost) <= CostTolerance;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Messages} msgs, in {Input}, out {Output}, reasoning {Reasoning}, cache r/w {CacheRead}/{CacheWrite}, ${Cost:0.#########}");
}
