using System.Text;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Tests.Fuzz;
using Xunit;

namespace OpenCodeUsage.Tests.Storage;

/// <summary>
/// The quick scanner either reads a message exactly as Utf8JsonReader does or leaves it to it: on real rows of every
/// committed data set it reads nearly all of them itself, and on the shapes where the two could differ it steps aside.
/// </summary>
public sealed class MessageFieldScannerTests
{
    [Fact]
    public void Reads_the_real_rows_of_every_data_set_itself_and_as_the_reader_does()
    {
        var samples = FuzzSamples.Messages;
        var read = 0;
        foreach (var bytes in samples)
        {
            var quick = default(MessagePayload);
            if (!MessageFieldScanner.TryRead(bytes, ref quick, new StringPool(), readIds: false))
            {
                continue;
            }

            read++;
            Assert.True(MessagePayload.TryParseWithReader(bytes, out var expected, new StringPool(), readIds: false));
            Assert.Equal(MessageOracle.Describe(expected), MessageOracle.Describe(quick));
        }

        // What it leaves to the reader in the committed sets are the fuzzer's finds and rows with non-ASCII names.
        Assert.True(samples.Count > 500, $"only {samples.Count} samples");
        Assert.True(read >= samples.Count * 95 / 100, $"the scanner read {read} of {samples.Count} rows itself");
    }

    [Theory]
    // Shapes OpenCode writes: read by the scanner.
    [InlineData("""{"role":"assistant","cost":0.0587358,"tokens":{"total":153298,"input":5,"output":98,"reasoning":679,"cache":{"write":380,"read":152136}},"modelID":"m","providerID":"p","time":{"created":1,"completed":2},"finish":"stop"}""", true)]
    [InlineData("""{"time":{"created":1},"agent":"build","model":{"id":"mock-reason","providerID":"mock"},"content":[{"type":"text","text":"a \u0022quote\u0022\n\\ \ud83d\ude00 é"}],"tokens":{"input":1,"output":2}}""", false)]
    [InlineData(" \r\n\t{ \"role\" : \"assistant\" , \"tokens\" : { \"input\" : -0 } } trailing bytes are never read", true)]
    [InlineData("""{"role":"assistant","path":{"cwd":"/home/dév"},"error":{"name":"APIError","data":{"message":"bad\nthing","n":[1,2.5e-3,true,false,null,{}]}}}""", true)]
    [InlineData("""{}""", true)]
    // Shapes where the scanner steps aside and the reader decides (refuses, or reads something the scanner does not).
    [InlineData("""{"role":"assistant",}""", false)]
    [InlineData("""{"role":"assistant" /* a comment */}""", false)]
    [InlineData("""{"ro\u006ce":"assistant"}""", false)]
    [InlineData("""{"role":"assist\u0061nt"}""", false)]
    [InlineData("""{"modelID":"modèle"}""", false)]
    [InlineData("""{"tokens":{"input":1.0,"output":1e3,"reasoning":123456789012345678901}}""", false)]
    [InlineData("""{"tokens":{"input":01}}""", false)]
    [InlineData("""{"cost":1e400}""", false)]
    [InlineData("""{"cost":-}""", false)]
    [InlineData("""{"x":"\ud800"}""", false)]
    [InlineData("""{"x":"\q"}""", false)]
    [InlineData("""{"x":[1,2,]}""", false)]
    [InlineData("""{"x":tru}""", false)]
    [InlineData("""{"x":truex}""", false)]
    [InlineData("""{"role":"assistant"}""" + "\n", true)]
    [InlineData("""{"role":"assistant" """, false)]
    [InlineData("""["role","assistant"]""", false)]
    public void Reads_or_steps_aside_and_always_agrees_with_the_reader(string json, bool scannerReads)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Check(bytes, scannerReads);
    }

    [Fact]
    public void Steps_aside_for_bytes_the_reader_must_judge()
    {
        // A control character inside a string, invalid UTF-8 in a skipped value, and nesting near the reader's limit.
        Check("{\"x\":\"a\u0001b\",\"role\":\"assistant\"}"u8.ToArray(), scannerReads: false);
        Check([.. "{\"x\":\""u8, 0xC3, 0x28, .. "\",\"role\":\"assistant\"}"u8], scannerReads: false);
        var deep = Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 70) + new string(']', 70) + ",\"role\":\"assistant\"}");
        Check(deep, scannerReads: false);
        var fine = Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 40) + new string(']', 40) + ",\"role\":\"assistant\"}");
        Check(fine, scannerReads: true);
    }

    private static void Check(byte[] bytes, bool scannerReads)
    {
        foreach (var readIds in new[] { true, false })
        {
            var quick = default(MessagePayload);
            Assert.Equal(scannerReads, MessageFieldScanner.TryRead(bytes, ref quick, new StringPool(), readIds));
            var ok = MessagePayload.TryParse(bytes, out var payload, new StringPool(), readIds);
            var readerOk = MessagePayload.TryParseWithReader(bytes, out var expected, new StringPool(), readIds);
            Assert.Equal(readerOk, ok);
            Assert.Equal(MessageOracle.Describe(expected), MessageOracle.Describe(payload));
            if (scannerReads)
            {
                Assert.True(readerOk);
                Assert.Equal(MessageOracle.Describe(expected), MessageOracle.Describe(quick));
            }
        }
    }
}
