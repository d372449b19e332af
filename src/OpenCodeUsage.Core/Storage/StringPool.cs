using System.Text;
using System.Text.Json;

namespace OpenCodeUsage.Storage;

/// <summary>
/// Interns the few distinct model, provider and agent names that repeat on every message, so a
/// scan of a million messages allocates a handful of strings instead of millions.
/// </summary>
internal sealed class StringPool
{
    // Each string is kept with the bytes it was made from: a lookup compares bytes, never encodes the candidate again,
    // and the same invalid bytes (read as U+FFFD) find their string instead of adding another.
    private readonly Dictionary<int, List<Pooled>> _byHash = new();

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public string Get(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > 256)
        {
            return reader.GetString()!;
        }

        return Get(reader.ValueSpan);
    }

    /// <summary>The one string for these UTF-8 bytes (invalid bytes read as U+FFFD, as everywhere else).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public string Get(ReadOnlySpan<byte> span)
    {
        if (span.Length > 256)
        {
            return Encoding.UTF8.GetString(span);
        }

        var hash = HashCode();
        hash.AddBytes(span);
        var key = hash.ToHashCode();
        if (_byHash.TryGetValue(key, out var bucket))
        {
            foreach (var pooled in bucket)
            {
                if (span.SequenceEqual(pooled.Utf8))
                {
                    return pooled.Text;
                }
            }
        }
        else
        {
            bucket = new List<Pooled>(1);
            _byHash[key] = bucket;
        }

        var value = Encoding.UTF8.GetString(span);
        bucket.Add(new Pooled(span.ToArray(), value));
        return value;

        static System.HashCode HashCode() => new();
    }

    private sealed record Pooled(byte[] Utf8, string Text);
}
