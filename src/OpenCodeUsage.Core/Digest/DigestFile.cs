using OpenCodeUsage.IO;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;

namespace OpenCodeUsage.Digest;

/// <summary>
/// The on-disk form of a <see cref="StoreDigest"/>: one owner-only file per database, written to a temporary file
/// and moved into place. A trailer carries a format version, the payload length and its HMAC under the user's
/// <see cref="MacKey"/>; a file that is foreign, of another version, truncated, altered (even with a recomputed
/// checksum), or that another user owns or may write, is ignored (and later replaced), never trusted.
/// </summary>
internal static class DigestFile
{
    private const int FormatVersion = 9; // 6: 2.x session columns; 7: keyed MAC trailer; 8: the storage generation; 9: generation time
    private static readonly byte[] Magic = "OCUDIGST"u8.ToArray();
    private const int TrailerLength = 8 + 4 + MacKey.Length + 8;

    public static string PathFor(string directory, string database) =>
        System.IO.Path.Combine(directory, "digest-" + Convert.ToHexString(XxHash64.Hash(Encoding.UTF8.GetBytes(database))).ToLowerInvariant() + ".bin");

    public static StoreDigest? TryLoad(string directory, string database, Action<string>? note = null)
    {
        try
        {
            // Streamed twice (hash, then parse) rather than read into one array: a large digest is tens of MB.
            if (MacKey.For(directory) is not { } key)
            {
                return null;
            }

            using var stream = RegularFile.OpenOwn(PathFor(directory, database), 1 << 20);
            if (stream.Length < TrailerLength)
            {
                return null;
            }

            Span<byte> trailer = stackalloc byte[TrailerLength];
            stream.Position = stream.Length - TrailerLength;
            stream.ReadExactly(trailer);
            var length = BitConverter.ToInt64(trailer[..8]);
            var version = BitConverter.ToInt32(trailer[8..12]);
            var mac = trailer[12..(12 + MacKey.Length)].ToArray();
            // The row block is stored as the machine lays it out; a big-endian machine never shares a file.
            if (!BitConverter.IsLittleEndian || !trailer[(12 + MacKey.Length)..].SequenceEqual(Magic) || version != FormatVersion
                || length != stream.Length - TrailerLength)
            {
                return null;
            }

            stream.Position = 0;
            using var hasher = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            var buffer = new byte[1 << 20];
            for (long left = length; left > 0;)
            {
                var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read <= 0)
                {
                    return null;
                }

                hasher.AppendData(buffer.AsSpan(0, read));
                left -= read;
            }

            if (!CryptographicOperations.FixedTimeEquals(hasher.GetHashAndReset(), mac))
            {
                return null;
            }

            stream.Position = 0;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var digest = DigestLayout.Read(reader);
            return digest.Path == database && stream.Position == length ? digest : null;
        }
        catch (UntrustedFileException ex)
        {
            note?.Invoke(ex.Message + " Its database is read afresh.");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EndOfStreamException or FormatException
                                       or ArgumentException or InvalidDataException or OverflowException)
        {
            return null;
        }
    }

    public static void TrySave(string directory, StoreDigest digest)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return;
        }

        try
        {
            if (MacKey.For(directory) is not { } key)
            {
                return;
            }

            PrivateFile.Write(PathFor(directory, digest.Path), stream =>
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    DigestLayout.Write(writer, digest);
                }

                var length = stream.Length;
                stream.Position = 0;
                using var hasher = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = stream.Read(buffer)) > 0)
                {
                    hasher.AppendData(buffer.AsSpan(0, read));
                }

                using var trailer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                trailer.Write(length);
                trailer.Write(FormatVersion);
                trailer.Write(hasher.GetHashAndReset());
                trailer.Write(Magic);
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time; a read-only or full disk must not fail the command.
        }
    }
}
