using System.Security.Cryptography;

namespace OpenCodeUsage.IO;

/// <summary>
/// The per-user secret that signs our cache files (HMAC-SHA256), kept owner-only as <c>mac.key</c> in the folder of
/// the files it signs: a file changed by anyone without the key (a patched cost with its checksum recomputed) no
/// longer verifies and is read from its source again.
/// </summary>
internal static class MacKey
{
    public const int Length = 32;
    private const string FileName = "mac.key";
    private static readonly Dictionary<string, byte[]> s_keys = new(StringComparer.Ordinal);

    /// <summary>The key for files in <paramref name="directory"/>, made on first use; null if it can be neither read nor made.</summary>
    public static byte[]? For(string directory)
    {
        var path = Path.Combine(Path.GetFullPath(directory), FileName);
        lock (s_keys)
        {
            if (s_keys.TryGetValue(path, out var known))
            {
                return known;
            }

            var key = Read(path);
            if (key is null)
            {
                try
                {
                    var made = RandomNumberGenerator.GetBytes(Length);
                    PrivateFile.Write(path, stream => stream.Write(made));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return null;
                }

                // Read back rather than keep ours: a process that wrote at the same moment may have won the rename.
                key = Read(path);
            }

            if (key is not null)
            {
                s_keys[path] = key;
            }

            return key;
        }
    }

    /// <summary>The MAC of <paramref name="data"/> under <paramref name="key"/>.</summary>
    public static byte[] Sign(byte[] key, ReadOnlySpan<byte> data) => HMACSHA256.HashData(key, data);

    private static byte[]? Read(string path)
    {
        try
        {
            var bytes = RegularFile.ReadOwn(path, Length);
            return bytes.Length == Length ? bytes : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Forgets keys read, as a new process would start.</summary>
    internal static void ForgetMemory()
    {
        lock (s_keys)
        {
            s_keys.Clear();
        }
    }
}
