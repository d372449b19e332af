using System.Text;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>
/// Byte-level mutations of real inputs, driven by one seed so a failing input can be made again: flips, cuts,
/// duplications, splices with another sample, and tokens that break JSON parsers (deep nesting, huge numbers,
/// lone surrogate escapes, bytes that are not UTF-8).
/// </summary>
internal static class Mutator
{
    private static readonly byte[][] Tokens =
    [
        "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), "\""u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        "null"u8.ToArray(), "true"u8.ToArray(), "-1"u8.ToArray(), "1e400"u8.ToArray(), "-1e400"u8.ToArray(), "0.5"u8.ToArray(),
        "99999999999999999999999"u8.ToArray(), "9223372036854775807"u8.ToArray(), "\"\\ud800\""u8.ToArray(), "\\u0000"u8.ToArray(),
        "\"assistant\""u8.ToArray(), "\"role\":\"user\","u8.ToArray(), "\"tokens\":"u8.ToArray(), "\"cost\":"u8.ToArray(),
        "/* c */"u8.ToArray(), "//\n"u8.ToArray(), [0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0],
        Encoding.UTF8.GetBytes(new string('[', 70)), Encoding.UTF8.GetBytes(new string('{', 3) + "\"a\":"),
        "{env:HOME}"u8.ToArray(), "{file:~/nothing}"u8.ToArray(), "data: x\n\n"u8.ToArray(),
    ];

    public static byte[] Mutate(IReadOnlyList<byte[]> samples, int index, ulong seed)
    {
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var bytes = new List<byte>(samples[index % samples.Count]);
        var rounds = 1 + random.Next(4);
        for (var i = 0; i < rounds; i++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(8))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(16)));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at); // cut short, as a crash leaves a file
                    break;
                case 4 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, 1 + random.Next(32));
                    bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                    break;
                case 5:
                    var other = samples[random.Next(samples.Count)];
                    var from = other.Length == 0 ? 0 : random.Next(other.Length);
                    bytes.InsertRange(at, other.Skip(from).Take(1 + random.Next(64)));
                    break;
                default:
                    bytes.InsertRange(at, Tokens[random.Next(Tokens.Length)]);
                    break;
            }
        }

        return bytes.ToArray();
    }
}
