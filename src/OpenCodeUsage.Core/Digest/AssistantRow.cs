using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// What accounting needs of one assistant message, without its JSON: 72 bytes instead of kilobytes, so a
/// million messages fit in memory and in the on-disk cache. Output is stored without reasoning. The message
/// id is kept only where it is needed at once (legacy files, fork-copy suspects); database rows keep their
/// rowid, through which the id is found when a per-message report asks for it.
/// </summary>
internal struct AssistantRow
{
    public long Created;
    public long RowId;
    public string? Id;
    public int Input;
    public int Output;
    public int Reasoning;
    public int CacheRead;
    public int CacheWrite;
    public double Cost;
    public int Provider;
    public int Model;
    public int Agent;
    public int Error;

    public readonly string? ProviderId => Names.Name(Provider);
    public readonly string? ModelId => Names.Name(Model);
    public readonly string? AgentName => Names.Name(Agent);
    public readonly string? ErrorName => Names.Name(Error);

    public readonly long Total => (long)Input + Output + Reasoning + CacheRead + CacheWrite;

    /// <summary>What a fork copy keeps of its original: creation time and usage, exactly.</summary>
    public readonly CopyKey Key => new(Created, Input, Output, Reasoning, CacheRead, CacheWrite, BitConverter.DoubleToInt64Bits(Cost), Provider, Model);

    /// <summary>A single call never uses two billion tokens; a value that says so is damage, not usage.</summary>
    public static int Clamp(long value) => value < 0 ? 0 : value > int.MaxValue ? int.MaxValue : (int)value;
}
