using System.Text.Json;

namespace OpenCodeUsage.Activity;

/// <summary>
/// The fields of one OpenCode part (a step, a tool call, a text…) that activity needs, read from its JSON
/// without building a DOM: tool outputs can be megabytes and are skipped unread.
/// </summary>
internal struct PartPayload
{
    public const int SnippetLength = 240;

    public string? Type;
    public string? Id;          // legacy files and server events only: database rows keep ids in columns
    public string? MessageId;
    public string? SessionId;
    public string? Tool;
    public string? CallId;
    public string? Status;      // tool state: pending, running, completed, error
    public string? Title;       // tool state title
    public string? Error;       // tool state error, or a retry's error message
    public string? Reason;      // step-finish reason
    public string? Text;        // text and reasoning, cut to a snippet
    public long Start;          // time.start, or the tool state's
    public long End;            // time.end, or the tool state's
    public int Attempt;

    public static bool TryParse(ReadOnlySpan<byte> json, out PartPayload part)
    {
        part = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8)) part.Type = String(ref reader);
                else if (reader.ValueTextEquals("id"u8)) part.Id = String(ref reader);
                else if (reader.ValueTextEquals("messageID"u8)) part.MessageId = String(ref reader);
                else if (reader.ValueTextEquals("sessionID"u8)) part.SessionId = String(ref reader);
                else if (reader.ValueTextEquals("tool"u8)) part.Tool = String(ref reader);
                else if (reader.ValueTextEquals("callID"u8)) part.CallId = String(ref reader);
                else if (reader.ValueTextEquals("reason"u8)) part.Reason = String(ref reader);
                else if (reader.ValueTextEquals("text"u8)) part.Text = Snippet(String(ref reader));
                else if (reader.ValueTextEquals("attempt"u8)) part.Attempt = (int)Number(ref reader);
                else if (reader.ValueTextEquals("time"u8)) ReadTime(ref reader, ref part);
                else if (reader.ValueTextEquals("state"u8)) ReadState(ref reader, ref part);
                else if (reader.ValueTextEquals("error"u8)) part.Error = ErrorText(ref reader);
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return part.Type is not null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>A snippet for display: whitespace runs folded to one space, cut at <see cref="SnippetLength"/> characters.</summary>
    public static string? Snippet(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var folded = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return folded.Length <= SnippetLength ? folded : folded[..(SnippetLength - 1)] + "…";
    }

    private static void ReadState(ref Utf8JsonReader reader, ref PartPayload part)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8)) part.Status = String(ref reader);
            else if (reader.ValueTextEquals("title"u8)) part.Title = String(ref reader);
            else if (reader.ValueTextEquals("error"u8)) part.Error = ErrorText(ref reader);
            else if (reader.ValueTextEquals("time"u8)) ReadTime(ref reader, ref part);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadTime(ref Utf8JsonReader reader, ref PartPayload part)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("start"u8)) part.Start = Number(ref reader);
            else if (reader.ValueTextEquals("end"u8)) part.End = Number(ref reader);
            else if (reader.ValueTextEquals("created"u8) && part.Start == 0) part.Start = Number(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>An error as OpenCode writes it: a string, or {name, data:{message}}; the message wins over the name.</summary>
    private static string? ErrorText(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return Snippet(reader.GetString());
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? name = null, message = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8)) name = String(ref reader);
            else if (reader.ValueTextEquals("message"u8)) message = String(ref reader);
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("message"u8)) message = String(ref reader);
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

        return Snippet(message) ?? name;
    }

    private static string? String(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static long Number(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var n) ? n : (long)reader.GetDouble();
        }

        reader.Skip();
        return 0;
    }
}
