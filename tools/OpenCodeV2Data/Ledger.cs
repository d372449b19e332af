using System.Globalization;
using System.Text;

namespace OpenCodeV2Data;

/// <summary>
/// Every billed model call the generator made, whether a row carries it or not (a title, a compaction request, a
/// step a revert deleted). It is the truth by construction: the oracle, which sees only the rows, must reach the same
/// per-session figures. Fork copies are never billed, so they are never here.
/// </summary>
public sealed class Ledger
{
    readonly List<Charge> charges = [];

    public IReadOnlyList<Charge> Charges => charges;

    public void Add(Charge charge) => charges.Add(charge);

    public void MarkReverted(string rowId)
    {
        for (var i = 0; i < charges.Count; i++)
            if (charges[i].RowId == rowId) charges[i] = charges[i] with { Reverted = true };
    }

    public const string Header = "session\tkind\trow\ttime\tmodel\tagent\tinput\toutput\treasoning\tcache_read\tcache_write\tcost\treverted";

    /// <summary>One line per charge, in the order they were made; cost printed round-trip.</summary>
    public string ToTsv()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var c in charges)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.SessionId}\t{c.Kind}\t{c.RowId}\t{c.Time}\t{c.Model}\t{c.Agent}\t");
            text.Append(CultureInfo.InvariantCulture, $"{c.Tokens.Input}\t{c.Tokens.Output}\t{c.Tokens.Reasoning}\t{c.Tokens.CacheRead}\t{c.Tokens.CacheWrite}\t");
            text.Append(c.Cost.ToString("R", CultureInfo.InvariantCulture)).Append('\t').Append(c.Reverted ? '1' : '0').Append('\n');
        }
        return text.ToString();
    }
}

/// <summary>One billed call. <see cref="RowId"/> is empty when no row carries it.</summary>
public sealed record Charge(string SessionId, string Kind, string RowId, long Time, string Model, string Agent,
    Tokens Tokens, double Cost, bool Reverted = false);
