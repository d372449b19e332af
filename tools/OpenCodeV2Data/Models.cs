namespace OpenCodeV2Data;

/// <summary>A model with per-million prices, priced the way OpenCode prices a step.</summary>
public sealed record Model(string ProviderId, string Id, double Input, double Output, double CacheRead, double CacheWrite)
{
    // The prices of tests/data/oc-1.18.33/opencode.json, so migrated and native figures price alike; Opus is ours.
    public static readonly Model Fast = new("mock", "mock-fast", 1, 2, 0.1, 1.25);
    public static readonly Model Smart = new("mock", "mock-smart", 3, 15, 0.3, 3.75);
    public static readonly Model Reason = new("mock", "mock-reason", 5, 25, 0.5, 6.25);
    public static readonly Model Sonnet = new("mockant", "claude-mock-sonnet", 3, 15, 0.3, 3.75);
    public static readonly Model Opus = new("mockant", "claude-mock-opus", 15, 75, 1.5, 18.75);

    /// <summary>cost = (input·in + output·out + reasoning·out + cache.read·cr + cache.write·cw) / 1e6.</summary>
    public double Price(Tokens t) =>
        (t.Input * Input + t.Output * Output + t.Reasoning * Output + t.CacheRead * CacheRead + t.CacheWrite * CacheWrite) / 1e6;

    public string Key => ProviderId + "/" + Id;
}

/// <summary>Tokens as 2.x stores them: input excludes cache, output excludes reasoning, no total.</summary>
public readonly record struct Tokens(long Input, long Output, long Reasoning, long CacheRead, long CacheWrite)
{
    public static Tokens operator +(Tokens a, Tokens b) => new(a.Input + b.Input, a.Output + b.Output,
        a.Reasoning + b.Reasoning, a.CacheRead + b.CacheRead, a.CacheWrite + b.CacheWrite);
}
