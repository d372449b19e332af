using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>Sums of assistant-message usage. Output never includes reasoning, whatever the OpenCode version stored.</summary>
internal struct TokenTotals
{
    public int Messages;
    public long Input;
    public long Output;
    public long Reasoning;
    public long CacheRead;
    public long CacheWrite;
    public decimal Cost;

    public readonly long Total => Input + Output + Reasoning + CacheRead + CacheWrite;

    public void Add(in MessagePayload message)
    {
        Messages++;
        Input += message.Input;
        Output += message.OutputWithoutReasoning;
        Reasoning += message.Reasoning;
        CacheRead += message.CacheRead;
        CacheWrite += message.CacheWrite;
        Cost += ToDecimal(message.Cost);
    }

    public void Add(in Digest.AssistantRow row)
    {
        Messages++;
        Input += row.Input;
        Output += row.Output;
        Reasoning += row.Reasoning;
        CacheRead += row.CacheRead;
        CacheWrite += row.CacheWrite;
        Cost += ToDecimal(row.Cost);
    }

    public void Add(in TokenTotals other)
    {
        Messages += other.Messages;
        Input += other.Input;
        Output += other.Output;
        Reasoning += other.Reasoning;
        CacheRead += other.CacheRead;
        CacheWrite += other.CacheWrite;
        Cost += other.Cost;
    }

    /// <summary>Stored costs are doubles; decimal sums them without drift and prints them as OpenCode wrote them.</summary>
    public static decimal ToDecimal(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27 ? (decimal)value : 0m;
}
