using System.Text.Json;

namespace OpenCodeUsage.Discovery;

/// <summary>JSON as OpenCode writes and reads its own files: comments and trailing commas allowed.</summary>
internal static class Jsonc
{
    public static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>
    /// Parses <paramref name="json"/>, or throws an <see cref="OpenCodeUsageException"/> naming <paramref name="source"/>
    /// and the line and column. The parser's own message is left out on purpose: it quotes the offending
    /// character, and in a credentials file that character is part of a secret.
    /// </summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string source, string errorId, string what)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw new OpenCodeUsageException(errorId, FailureKind.InvalidData,
                $"{what} '{source}' is not valid JSON: the error is at line {(ex.LineNumber ?? 0) + 1}, column {(ex.BytePositionInLine ?? 0) + 1}.",
                source);
        }
    }

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
