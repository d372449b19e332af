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
    private const int FormatVersion = 3;
    private static readonly byte[] Magic = "OCUDIGST"u8.ToArray();
    private const int TrailerLength = 8 + 4 + 8 + 8;

    public static string PathFor(string directory, string database) =>
        System.IO.Path.Combine(directory, "digest-" + Convert.ToHexString(XxHash64.Hash(Encoding.UTF8.GetBytes(database))).ToLowerInvariant() + ".bin");

    public static StoreDigest? TryLoad(string directory, string database)
    {
        try
        {
            // Streamed twice (hash, then parse) rather than read into one array: a large digest is tens of MB.
            using var stream = new FileStream(PathFor(directory, database), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
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
            if (!trailer[20..].SequenceEqual(Magic) || version != FormatVersion || length != stream.Length - TrailerLength)
            {
                return null;
            }

            stream.Position = 0;
            var hasher = new XxHash64();
            var buffer = new byte[1 << 16];
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
            var digest = Read(reader);
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
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            var path = PathFor(directory, digest.Path);
            temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    Write(writer, digest);
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

    private static void Write(BinaryWriter w, StoreDigest digest)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        int Ref(string? s)
        {
            if (s is null)
            {
                return -1;
            }

            if (!strings.TryGetValue(s, out var index))
            {
                index = strings.Count;
                strings[s] = index;
            }

            return index;
        }

        foreach (var session in digest.Sessions.Values)
        {
            Ref(session.FirstAgent);
            foreach (var row in session.Rows)
            {
                Ref(row.ProviderId);
                Ref(row.ModelId);
                Ref(row.AgentName);
                Ref(row.ErrorName);
            }
        }

        w.Write(digest.Path);
        var s = digest.Stamp;
        foreach (var value in new[] { s.Length, s.Modified, s.Created, (long)s.Inode, s.Changed, s.WalLength, s.WalModified, s.WalCreated, (long)s.WalInode, s.WalChanged })
        {
            w.Write(value);
        }

        w.Write(digest.SchemaHash);
        w.Write(digest.MaxRowId);
        w.Write(strings.Count);
        foreach (var value in strings.OrderBy(p => p.Value).Select(p => p.Key))
        {
            w.Write(value);
        }

        w.Write(digest.Sessions.Count);
        foreach (var session in digest.Sessions.Values)
        {
            w.Write(session.SessionId);
            w.Write(session.MessageCount);
            w.Write(Ref(session.FirstAgent));
            w.Write(session.Updated);
            w.Write(session.EventSequence);
            w.Write(session.Unsettled);
            w.Write(session.MalformedRows);
            w.Write(session.Rows.Count);
            foreach (var row in session.Rows)
            {
                w.Write(row.Id is not null);
                if (row.Id is not null)
                {
                    w.Write(row.Id);
                }

                w.Write(row.RowId);
                w.Write(row.Created);
                w.Write(row.Input);
                w.Write(row.Output);
                w.Write(row.Reasoning);
                w.Write(row.CacheRead);
                w.Write(row.CacheWrite);
                w.Write(row.Cost);
                w.Write(Ref(row.ProviderId));
                w.Write(Ref(row.ModelId));
                w.Write(Ref(row.AgentName));
                w.Write(Ref(row.ErrorName));
            }
        }
    }

    private static StoreDigest Read(BinaryReader r)
    {
        var path = r.ReadString();
        var stamp = new FileStamp(r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (ulong)r.ReadInt64(), r.ReadInt64(),
            r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), (ulong)r.ReadInt64(), r.ReadInt64());
        var digest = new StoreDigest { Path = path, Stamp = stamp, SchemaHash = r.ReadString(), MaxRowId = r.ReadInt64() };
        // File-local string numbers become this process's name numbers.
        var numbers = new int[Count(r)];
        var strings = new string[numbers.Length];
        for (var i = 0; i < numbers.Length; i++)
        {
            strings[i] = r.ReadString();
            numbers[i] = Names.Number(strings[i]);
        }

        string? Text(int index) => index < 0 ? null : strings[index];
        int Number(int index) => index < 0 ? Names.None : numbers[index];
        var sessions = Count(r);
        for (var i = 0; i < sessions; i++)
        {
            var session = new SessionDigest
            {
                SessionId = r.ReadString(),
                MessageCount = r.ReadInt32(),
                FirstAgent = Text(r.ReadInt32()),
                Updated = r.ReadInt64(),
                EventSequence = r.ReadInt64(),
                Unsettled = r.ReadBoolean(),
                MalformedRows = r.ReadInt32(),
            };
            var rows = Count(r);
            session.Rows.Capacity = rows;
            for (var j = 0; j < rows; j++)
            {
                session.Rows.Add(new AssistantRow
                {
                    Id = r.ReadBoolean() ? r.ReadString() : null,
                    RowId = r.ReadInt64(),
                    Created = r.ReadInt64(),
                    Input = r.ReadInt32(),
                    Output = r.ReadInt32(),
                    Reasoning = r.ReadInt32(),
                    CacheRead = r.ReadInt32(),
                    CacheWrite = r.ReadInt32(),
                    Cost = r.ReadDouble(),
                    Provider = Number(r.ReadInt32()),
                    Model = Number(r.ReadInt32()),
                    Agent = Number(r.ReadInt32()),
                    Error = Number(r.ReadInt32()),
                });
            }

            digest.Sessions[session.SessionId] = session;
        }

        return digest;
    }

    private static int Count(BinaryReader r)
    {
        var count = r.ReadInt32();
        return count is >= 0 and < 100_000_000 ? count : throw new InvalidDataException("Implausible count in a digest file.");
    }
}
