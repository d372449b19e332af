using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// What accounting needs of one assistant message, without its JSON: 56 bytes instead of kilobytes, so a million
/// messages fit in memory and in the on-disk cache. Output is stored without reasoning. Names are kept as two
/// pair numbers (provider and model, agent and error). A database row keeps its rowid, through which its id is
/// found when a per-message report asks; the few ids kept outright (legacy files, fork-copy suspects) are in the
/// digest's <see cref="SessionDigest.IdOf"/>.
/// </summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 4)]
internal struct AssistantRow
{
    public long Created;

    /// <summary>The message table's rowid; for rows that have none (legacy files, secondary tables), negative, numbered in the order read.</summary>
    public long RowId;

    public double Cost;
    public int Input;
    public int Output;
    public int Reasoning;
    public int CacheRead;
    public int CacheWrite;

    /// <summary>The provider and model, as one <see cref="Names.Pair"/>.</summary>
    public int ModelPair;

    /// <summary>The agent and error, as one <see cref="Names.Pair"/>.</summary>
    public int AgentPair;

    /// <summary>
    /// Milliseconds from the message's creation to its completion (time.created to time.completed): the time the
    /// model took to answer, for tokens per second; 0 when not completed or not known.
    /// </summary>
    public int GenerationMs;

    public readonly int Provider => Names.First(ModelPair);
    public readonly int Model => Names.Second(ModelPair);
    public readonly int Agent => Names.First(AgentPair);
    public readonly int Error => Names.Second(AgentPair);

    public readonly string? ProviderId => Names.Name(Provider);
    public readonly string? ModelId => Names.Name(Model);
    public readonly string? AgentName => Names.Name(Agent);
    public readonly string? ErrorName => Names.Name(Error);

    public readonly long Total => (long)Input + Output + Reasoning + CacheRead + CacheWrite;

    /// <summary>What a fork copy keeps of its original: creation time and usage, exactly.</summary>
    public readonly CopyKey Key => new(Created, Input, Output, Reasoning, CacheRead, CacheWrite, BitConverter.DoubleToInt64Bits(Cost), Provider, Model);

    /// <summary>A single call never uses two billion tokens; a value that says so is damage, not usage.</summary>
    /// <summary>The generation time of a message created and completed at these epoch milliseconds; 0 when unknown.</summary>
    public static int GenerationOf(long created, long completed) =>
        created > 0 && completed > created ? Clamp(completed - created) : 0;

    public static int Clamp(long value) => value < 0 ? 0 : value > int.MaxValue ? int.MaxValue : (int)value;
}
