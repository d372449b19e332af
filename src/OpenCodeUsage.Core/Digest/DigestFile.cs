using OpenCodeUsage.IO;
using System.IO.Hashing;
using System.Text;

namespace OpenCodeUsage.Digest;

/// <summary>
/// The on-disk form of a <see cref="StoreDigest"/>: one file per database, written to a temporary file and moved
/// into place. A trailer carries a format version, the payload length and its hash; a file that is foreign,
/// of another version, truncated or altered is ignored (and later replaced), never trusted.
/// </summary>
internal static class DigestFile
{
    private const int FormatVersion = 5;
    private static readonly byte[] Magic = "OCUDIGST"u8.ToArray();
    private const int TrailerLength = 8 + 4 + 8 + 8;

    public static string PathFor(string directory, string database) =>
        System.IO.Path.Combine(directory, "digest-" + Convert.ToHexString(XxHash64.Hash(Encoding.UTF8.GetBytes(database))).ToLowerInvariant() + ".bin");

    public static StoreDigest? TryLoad(string directory, string database)
    {
        try
        {
            // Streamed twice (hash, then parse) rather than read into one array: a large digest is tens of MB.
            using var stream = RegularFile.OpenRead(PathFor(directory, database), 1 << 20);
            if (stream.Length < TrailerLength)
            {
                return null;
            }

            Span<byte> trailer = stackalloc byte[TrailerLength];
            stream.Position = stream.Length - TrailerLength;
            stream.ReadExactly(trailer);
            var length = BitConverter.ToInt64(trailer[..8]);
            var version = BitConverter.ToInt32(trailer[8..12]);
            var hash = BitConverter.ToUInt64(trailer[12..20]);
            // The row block is stored as the machine lays it out; a big-endian machine never shares a file.
            if (!BitConverter.IsLittleEndian || !trailer[20..].SequenceEqual(Magic) || version != FormatVersion
                || length != stream.Length - TrailerLength)
            {
                return null;
            }

            stream.Position = 0;
            var hasher = new XxHash64();
            var buffer = new byte[1 << 20];
            for (long left = length; left > 0;)
            {
                var read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read <= 0)
                {
                    return null;
                }

                hasher.Append(buffer.AsSpan(0, read));
                left -= read;
            }

            if (hasher.GetCurrentHashAsUInt64() != hash)
            {
                return null;
            }

            stream.Position = 0;
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            var digest = DigestLayout.Read(reader);
            return digest.Path == database && stream.Position == length ? digest : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or EndOfStreamException or FormatException
                                       or ArgumentException or InvalidDataException or OverflowException)
        {
            return null;
        }
    }

    public static void TrySave(string directory, StoreDigest digest)
    {
        string? temporary = null;
        if (!BitConverter.IsLittleEndian)
        {
            return;
        }

        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var path = PathFor(directory, digest.Path);
            temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    DigestLayout.Write(writer, digest);
                }

                var length = stream.Length;
                stream.Position = 0;
                var hash = new XxHash64();
                hash.Append(stream);
                using var trailer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                trailer.Write(length);
                trailer.Write(FormatVersion);
                trailer.Write(hash.GetCurrentHashAsUInt64());
                trailer.Write(Magic);
            }

            File.Move(temporary, path, overwrite: true);
            temporary = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The cache only saves time; a read-only or full disk must not fail the command.
        }
        finally
        {
            if (temporary is not null)
            {
                try
                {
                    File.Delete(temporary);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }
}
