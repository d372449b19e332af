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

    /// <summary>Summed generation time (ms) of the messages whose completion time is known.</summary>
    public long GenerationMs;

    /// <summary>Output and reasoning tokens of those messages: what was generated in <see cref="GenerationMs"/>.</summary>
    public long TimedTokens;

    // Costs are summed as doubles, as OpenCode stored them, with Neumaier's compensation: exact to far below a
    // billionth of a dollar over millions of messages, and without a decimal conversion per message.
    private double _cost;
    private double _costCompensation;

    /// <summary>The summed cost, rounded to the 15 significant digits a stored double carries.</summary>
    public readonly decimal Cost => ToDecimal(_cost + _costCompensation);

    public readonly long Total => Input + Output + Reasoning + CacheRead + CacheWrite;

    public void Add(in MessagePayload message)
    {
        Messages++;
        Input += message.Input;
        Output += message.OutputWithoutReasoning;
        Reasoning += message.Reasoning;
        CacheRead += message.CacheRead;
        CacheWrite += message.CacheWrite;
        AddCost(message.Cost);
    }

    public void Add(in Digest.AssistantRow row)
    {
        // The usage no row carries (2.x) is no message.
        if (row.RowId != UnattributedUsage.RowId)
        {
            Messages++;
        }

        Input += row.Input;
        Output += row.Output;
        Reasoning += row.Reasoning;
        CacheRead += row.CacheRead;
        CacheWrite += row.CacheWrite;
        if (row.GenerationMs > 0)
        {
            GenerationMs += row.GenerationMs;
            TimedTokens += (long)row.Output + row.Reasoning;
        }

        AddCost(row.Cost);
    }

    public void Add(in TokenTotals other)
    {
        Messages += other.Messages;
        Input += other.Input;
        Output += other.Output;
        Reasoning += other.Reasoning;
        CacheRead += other.CacheRead;
        CacheWrite += other.CacheWrite;
        GenerationMs += other.GenerationMs;
        TimedTokens += other.TimedTokens;
        AddCost(other._cost);
        AddCost(other._costCompensation);
    }

    /// <summary>The summed cost as a double, compensation included.</summary>
    public readonly double CostValue => _cost + _costCompensation;

    public void AddCost(double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        var sum = _cost + value;
        _costCompensation += Math.Abs(_cost) >= Math.Abs(value) ? (_cost - sum) + value : (value - sum) + _cost;
        _cost = sum;
    }

    /// <summary>Stored costs are doubles; decimal sums them without drift and prints them as OpenCode wrote them.</summary>
    public static decimal ToDecimal(double value) =>
        double.IsFinite(value) && Math.Abs(value) < 7.9e27 ? (decimal)value : 0m;
}
