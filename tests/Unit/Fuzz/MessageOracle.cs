using System.Text.Json;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>
/// What a message payload says, read with System.Text.Json's document model by the rules MessagePayload documents
/// (last property wins, non-numbers count as zero, strings of another kind as absent). The fast parser must agree.
/// </summary>
internal static class MessageOracle
{
    public static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip };

    /// <summary>The payload, or null where System.Text.Json itself cannot read a value the parser needs (so it must fail too).</summary>
    public static MessagePayload? Read(JsonElement root)
    {
        try
        {
            return ReadObject(root);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static MessagePayload ReadObject(JsonElement root)
    {
        // Names are compared as bytes (NameEquals), never decoded, as the parser compares them.
        var p = default(MessagePayload);
        string? userModel = null, userProvider = null;
        foreach (var property in root.EnumerateObject())
        {
            var v = property.Value;
            if (property.NameEquals("role"u8))
            {
                p.HasRole = v.ValueKind == JsonValueKind.String;
                p.IsAssistant = p.HasRole && v.ValueEquals("assistant"u8); // compared, never decoded, as the parser does
            }
            else if (property.NameEquals("id"u8)) p.Id = Str(v);
            else if (property.NameEquals("sessionID"u8)) p.SessionId = Str(v);
            else if (property.NameEquals("modelID"u8)) p.ModelId = Str(v);
            else if (property.NameEquals("providerID"u8)) p.ProviderId = Str(v);
            else if (property.NameEquals("agent"u8)) p.Agent = Str(v);
            else if (property.NameEquals("mode"u8)) p.Mode = Str(v);
            else if (property.NameEquals("finish"u8)) p.Finish = Str(v);
            else if (property.NameEquals("cost"u8)) p.Cost = v.ValueKind == JsonValueKind.Number ? v.GetDouble() : 0;
            else if (property.NameEquals("tokens"u8) && v.ValueKind == JsonValueKind.Object)
            {
                p.HasTokens = true;
                foreach (var t in v.EnumerateObject())
                {
                    if (t.NameEquals("input"u8)) p.Input = Long(t.Value);
                    else if (t.NameEquals("output"u8)) p.Output = Long(t.Value);
                    else if (t.NameEquals("reasoning"u8)) p.Reasoning = Long(t.Value);
                    else if (t.NameEquals("total"u8))
                    {
                        p.Total = Long(t.Value);
                        p.HasTotal = t.Value.ValueKind == JsonValueKind.Number;
                    }
                    else if (t.NameEquals("cache"u8) && t.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var c in t.Value.EnumerateObject())
                        {
                            if (c.NameEquals("read"u8)) p.CacheRead = Long(c.Value);
                            else if (c.NameEquals("write"u8)) p.CacheWrite = Long(c.Value);
                        }
                    }
                }
            }
            else if (property.NameEquals("time"u8) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var t in v.EnumerateObject())
                {
                    if (t.NameEquals("created"u8)) p.Created = Long(t.Value);
                    else if (t.NameEquals("completed"u8)) p.Completed = Long(t.Value);
                }
            }
            else if (property.NameEquals("error"u8) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var e in v.EnumerateObject())
                {
                    if (e.NameEquals("name"u8)) p.ErrorName = Str(e.Value);
                }
            }
            else if (property.NameEquals("model"u8) && v.ValueKind == JsonValueKind.Object)
            {
                foreach (var m in v.EnumerateObject())
                {
                    if (m.NameEquals("modelID"u8) || m.NameEquals("id"u8)) userModel = Str(m.Value); // 1.x user rows; 2.x ModelRef
                    else if (m.NameEquals("providerID"u8)) userProvider = Str(m.Value);
                }
            }
        }

        p.ModelId ??= userModel;
        p.ProviderId ??= userProvider;
        return p;
    }

    private static string? Str(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long Long(JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number)
        {
            return 0;
        }

        if (v.TryGetInt64(out var n))
        {
            return n;
        }

        var d = v.GetDouble();
        return double.IsFinite(d) && Math.Abs(d) < long.MaxValue ? (long)d : 0;
    }

    /// <summary>The fields that reach a report, as one comparable line.</summary>
    public static string Describe(in MessagePayload p) =>
        $"assistant={p.IsAssistant} role={p.HasRole} model={p.ProviderId}/{p.ModelId} agent={p.Agent} mode={p.Mode} cost={p.Cost:R} " +
        $"tokens={p.HasTokens}:{p.Input}/{p.Output}/{p.Reasoning}/{p.CacheRead}/{p.CacheWrite} total={p.HasTotal}:{p.Total} " +
        $"time={p.Created}-{p.Completed} error={p.ErrorName} finish={p.Finish} id={p.Id} session={p.SessionId}";
}
