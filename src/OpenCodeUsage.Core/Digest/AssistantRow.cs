using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Digest;

/// <summary>
/// What accounting needs of one assistant message, without its JSON: about 90 bytes instead of kilobytes,
/// so a million messages fit in memory and in the on-disk cache. Output is stored without reasoning.
/// </summary>
internal struct AssistantRow
{
    public string Id;
    public long Created;
    public int Input;
    public int Output;
    public int Reasoning;
    public int CacheRead;
    public int CacheWrite;
    public double Cost;
    public ulong Fingerprint;
    public string? ProviderId;
    public string? ModelId;
    public string? Agent;
    public string? Error;

    public static AssistantRow From(string id, in MessagePayload message) => new()
    {
        Id = id,
        Created = message.Created,
        Input = Clamp(message.Input),
        Output = Clamp(message.OutputWithoutReasoning),
        Reasoning = Clamp(message.Reasoning),
        CacheRead = Clamp(message.CacheRead),
        CacheWrite = Clamp(message.CacheWrite),
        Cost = message.Cost,
        Fingerprint = CopyKey.For(message).Fingerprint,
        ProviderId = message.ProviderId,
        ModelId = message.ModelId,
        Agent = message.EffectiveAgent,
        Error = message.ErrorName,
    };

    public readonly CopyKey Key => new(Created, Fingerprint);

    public readonly long Total => (long)Input + Output + Reasoning + CacheRead + CacheWrite;

    /// <summary>A single call never uses two billion tokens; a value that says so is damage, not usage.</summary>
    private static int Clamp(long value) => value < 0 ? 0 : value > int.MaxValue ? int.MaxValue : (int)value;
}
