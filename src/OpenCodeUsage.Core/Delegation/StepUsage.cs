using System.Text.Json;
using OpenCodeUsage.Accounting;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Delegation;

/// <summary>Tokens and cost summed over a run's steps, with output counted without reasoning as everywhere in the module.</summary>
internal struct StepUsage
{
    public int Steps;
    public long Input;
    public long Output;
    public long Reasoning;
    public long CacheRead;
    public long CacheWrite;
    public decimal Cost;

    public readonly long Total => Input + Output + Reasoning + CacheRead + CacheWrite;

    /// <summary>Adds a <c>tokens</c> object and <c>cost</c> number as OpenCode writes them on step-finish parts and assistant messages.</summary>
    /// <param name="outputExcludesReasoning">2.x tokens, which have no total: output never includes reasoning there.</param>
    public void Add(JsonElement tokens, JsonElement cost, bool outputExcludesReasoning = false)
    {
        // The same normalisation as messages read from the database: old versions counted reasoning in output.
        var payload = new MessagePayload
        {
            Input = Number(tokens, "input"),
            Output = Number(tokens, "output"),
            Reasoning = Number(tokens, "reasoning"),
            HasTotal = tokens.ValueKind == JsonValueKind.Object && tokens.TryGetProperty("total", out _),
            Total = Number(tokens, "total"),
            OutputExcludesReasoning = outputExcludesReasoning,
        };
        if (tokens.ValueKind == JsonValueKind.Object && tokens.TryGetProperty("cache", out var cache))
        {
            payload.CacheRead = Number(cache, "read");
            payload.CacheWrite = Number(cache, "write");
        }

        Steps++;
        Input += payload.Input;
        Output += payload.OutputWithoutReasoning;
        Reasoning += payload.Reasoning;
        CacheRead += payload.CacheRead;
        CacheWrite += payload.CacheWrite;
        Cost += cost.ValueKind == JsonValueKind.Number ? TokenTotals.ToDecimal(cost.GetDouble()) : 0m;
    }

    private static long Number(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.TryGetInt64(out var whole) ? whole : (long)value.GetDouble()
            : 0;
}
