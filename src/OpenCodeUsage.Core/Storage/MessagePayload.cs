using System.Text.Json;

namespace OpenCodeUsage.Storage;

/// <summary>
/// The fields of one OpenCode message that accounting needs, read from its JSON <c>data</c>
/// (database) or file (legacy storage) without building a DOM.
/// </summary>
internal struct MessagePayload
{
    public bool IsAssistant;
    public string? Id;          // legacy JSON only: database rows keep ids in columns
    public string? SessionId;   // legacy JSON only
    public long Created;
    public long Completed;
    public string? ProviderId;
    public string? ModelId;
    public string? Agent;
    public string? Mode;
    public long Input;
    public long Output;
    public long Reasoning;
    public long CacheRead;
    public long CacheWrite;
    public long Total;
    public bool HasTotal;
    public bool HasTokens;
    public bool HasRole;
    public double Cost;
    public string? ErrorName;
    public string? Finish;

    /// <summary>The row is 2.x-shaped: output never includes reasoning, with or without a total.</summary>
    public bool OutputExcludesReasoning;

    /// <summary>
    /// OpenCode up to 1.3 stored output including reasoning; from 1.14 without. The stored total tells
    /// which: input + output + reasoning + cache (new) or input + output + cache (old); no total at all
    /// is the oldest format, which included it.
    /// </summary>
    public readonly bool OutputIncludesReasoning
    {
        get
        {
            if (OutputExcludesReasoning || Reasoning <= 0 || Output < Reasoning)
            {
                return false;
            }

            if (!HasTotal)
            {
                return true;
            }

            var cache = CacheRead + CacheWrite;
            if (Total == Input + Output + Reasoning + cache)
            {
                return false;
            }

            return Total == Input + Output + cache;
        }
    }

    /// <summary>Output tokens without reasoning, whatever the OpenCode version wrote.</summary>
    public readonly long OutputWithoutReasoning => OutputIncludesReasoning ? Output - Reasoning : Output;

    public readonly string? EffectiveAgent => Agent ?? Mode;

    /// <summary>
    /// A quick look for a top-level "role":"user" near the start, where OpenCode writes it: user messages then
    /// need no parse when only counted. Anything unusual answers false and gets the full parse.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static bool IsUserMessage(ReadOnlySpan<byte> json)
    {
        var head = json.Length > 128 ? json[..128] : json;
        var at = head.IndexOf("\"role\":\"user\""u8);
        return at > 0 && head[..at].IndexOf((byte)'{') == 0 && head[1..at].IndexOfAny((byte)'{', (byte)'[') < 0
               && head[at - 1] is (byte)'{' or (byte)',';
    }

    /// <summary>Parses a message payload. Returns false (and leaves <paramref name="payload"/> partial) on malformed JSON.</summary>
    /// <param name="readIds">Read the message and session ids from the JSON; a database scan has them in columns and
    /// leaves them out, saving two strings per message.</param>
    public static bool TryParse(ReadOnlySpan<byte> json, out MessagePayload payload, StringPool? strings = null, bool readIds = true)
    {
        payload = default;
        if (MessageFieldScanner.TryRead(json, ref payload, strings, readIds))
        {
            return true;
        }

        return TryParseWithReader(json, out payload, strings, readIds);
    }

    /// <summary>The parse the quick scanner defers to, with Utf8JsonReader: the rules every reading follows.</summary>
    internal static bool TryParseWithReader(ReadOnlySpan<byte> json, out MessagePayload payload, StringPool? strings = null, bool readIds = true)
    {
        payload = default;
        try
        {
            Parse(json, ref payload, strings, readIds);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Parse(ReadOnlySpan<byte> json, ref MessagePayload p, StringPool? strings, bool readIds)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A message is not a JSON object.");
        }

        string? userModelId = null, userProviderId = null;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                break;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("Unexpected token in a message.");
            }

            if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                p.HasRole = reader.TokenType == JsonTokenType.String;
                p.IsAssistant = p.HasRole && reader.ValueTextEquals("assistant"u8);
                if (!p.HasRole)
                {
                    reader.Skip(); // an object or array here must not be read as the message's own properties
                }
            }
            else if (readIds && reader.ValueTextEquals("id"u8))
            {
                p.Id = ReadString(ref reader, null);
            }
            else if (readIds && reader.ValueTextEquals("sessionID"u8))
            {
                p.SessionId = ReadString(ref reader, null);
            }
            else if (reader.ValueTextEquals("modelID"u8))
            {
                p.ModelId = ReadString(ref reader, strings);
            }
            else if (reader.ValueTextEquals("providerID"u8))
            {
                p.ProviderId = ReadString(ref reader, strings);
            }
            else if (reader.ValueTextEquals("agent"u8))
            {
                p.Agent = ReadString(ref reader, strings);
            }
            else if (reader.ValueTextEquals("mode"u8))
            {
                p.Mode = ReadString(ref reader, strings);
            }
            else if (reader.ValueTextEquals("cost"u8))
            {
                reader.Read();
                p.Cost = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : 0;
                if (reader.TokenType != JsonTokenType.Number)
                {
                    reader.Skip(); // as for role: a container must not end the message early
                }
            }
            else if (reader.ValueTextEquals("finish"u8))
            {
                p.Finish = ReadString(ref reader, strings);
            }
            else if (reader.ValueTextEquals("tokens"u8))
            {
                ReadTokens(ref reader, ref p);
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("created"u8))
                        {
                            p.Created = ReadLong(ref reader);
                        }
                        else if (reader.ValueTextEquals("completed"u8))
                        {
                            p.Completed = ReadLong(ref reader);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            p.ErrorName = ReadString(ref reader, strings);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                // 1.x user messages name their model as {providerID, modelID}; 2.x rows of every kind as {id, providerID}.
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("modelID"u8) || reader.ValueTextEquals("id"u8))
                        {
                            userModelId = ReadString(ref reader, strings);
                        }
                        else if (reader.ValueTextEquals("providerID"u8))
                        {
                            userProviderId = ReadString(ref reader, strings);
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        p.ModelId ??= userModelId;
        p.ProviderId ??= userProviderId;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void ReadTokens(ref Utf8JsonReader reader, ref MessagePayload p)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        p.HasTokens = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("input"u8))
            {
                p.Input = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("output"u8))
            {
                p.Output = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning"u8))
            {
                p.Reasoning = ReadLong(ref reader);
            }
            else if (reader.ValueTextEquals("total"u8))
            {
                p.Total = ReadLong(ref reader);
                p.HasTotal = reader.TokenType == JsonTokenType.Number;
            }
            else if (reader.ValueTextEquals("cache"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("read"u8))
                    {
                        p.CacheRead = ReadLong(ref reader);
                    }
                    else if (reader.ValueTextEquals("write"u8))
                    {
                        p.CacheWrite = ReadLong(ref reader);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Reads a count; tolerates null, fractions and absurd values (providers report odd things) without failing.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return 0;
        }

        if (reader.TryGetInt64(out var value))
        {
            return value;
        }

        var d = reader.GetDouble();
        return double.IsFinite(d) && Math.Abs(d) < long.MaxValue ? (long)d : 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static string? ReadString(ref Utf8JsonReader reader, StringPool? strings)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return strings is null ? reader.GetString() : strings.Get(ref reader);
    }
}
