using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using OpenCodeUsage.Storage;

namespace OpenCodeUsage.Accounting;

/// <summary>
/// Identifies an assistant message across a fork: OpenCode copies it under a new id with the same creation
/// time and usage (only the parent id is remapped). Built from what a copy keeps, so key order or id
/// changes in the stored JSON never matter.
/// </summary>
internal readonly record struct CopyKey(long Created, ulong Fingerprint)
{
    public static CopyKey For(in MessagePayload message)
    {
        Span<byte> numbers = stackalloc byte[8 * 7];
        BinaryPrimitives.WriteInt64LittleEndian(numbers, message.Completed);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[8..], message.Input);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[16..], message.Output);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[24..], message.Reasoning);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[32..], message.CacheRead);
        BinaryPrimitives.WriteInt64LittleEndian(numbers[40..], message.CacheWrite);
        BinaryPrimitives.WriteDoubleLittleEndian(numbers[48..], message.Cost);
        var hash = new XxHash64();
        hash.Append(numbers);
        AppendText(hash, message.ProviderId);
        AppendText(hash, message.ModelId);
        AppendText(hash, message.Finish);
        return new CopyKey(message.Created, hash.GetCurrentHashAsUInt64());
    }

    private static void AppendText(XxHash64 hash, string? text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var value = text ?? string.Empty;
        if (Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length)
        {
            var written = Encoding.UTF8.GetBytes(value, buffer);
            hash.Append(buffer[..written]);
        }
        else
        {
            hash.Append(Encoding.UTF8.GetBytes(value));
        }

        hash.Append([0]);
    }
}
