using System.Text;
using System.Text.Json;

namespace OpenCodeUsage.Storage;

/// <summary>
/// Interns the few distinct model, provider and agent names that repeat on every message, so a
/// scan of a million messages allocates a handful of strings instead of millions.
/// </summary>
internal sealed class StringPool
{
    private readonly Dictionary<int, List<string>> _byHash = new();

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
            foreach (var candidate in bucket)
            {
                if (Utf8Equals(candidate, span))
                {
                    return candidate;
                }
            }
        }
        else
        {
            bucket = new List<string>(1);
            _byHash[key] = bucket;
        }

        var value = Encoding.UTF8.GetString(span);
        bucket.Add(value);
        return value;

        static System.HashCode HashCode() => new();
    }

    private static bool Utf8Equals(string candidate, ReadOnlySpan<byte> utf8)
    {
        Span<byte> buffer = stackalloc byte[1024];
        return Encoding.UTF8.TryGetBytes(candidate, buffer, out var written) && buffer[..written].SequenceEqual(utf8);
    }
}
