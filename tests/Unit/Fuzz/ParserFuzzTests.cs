using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using CsCheck;
using OpenCodeUsage.Activity;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.Go;
using OpenCodeUsage.Pricing;
using OpenCodeUsage.Storage;
using Xunit;
using Xunit.Abstractions;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>
/// Property-based fuzzing (CsCheck) of every parser that reads text OpenCode or a server wrote: random bytes and
/// mutations of real samples. Each parser throws nothing but its documented failure, and where System.Text.Json
/// reads the input, the parser agrees with it. The budget is per target: FuzzBudget.Seconds.
/// </summary>
[Collection(nameof(FuzzCollection))]
public sealed class ParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Fuzz(string target, Gen<byte[]> inputs, Action<byte[]> property, int threads = -1)
    {
        long executions = 0;
        if (FuzzBudget.Explore)
        {
            inputs.Sample(bytes =>
            {
                Interlocked.Increment(ref executions);
                property(bytes);
            }, time: FuzzBudget.Seconds, threads: threads, print: bytes => Convert.ToBase64String(bytes));
        }
        else
        {
            var random = new PCG(1, FuzzBudget.FixedSeed);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (executions < FuzzBudget.FixedInputs && clock.Elapsed.TotalSeconds < FuzzBudget.Seconds * 3)
            {
                var bytes = inputs.Generate(random, null!, out _);
                executions++;
                try
                {
                    property(bytes);
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException($"{target} failed on input {executions} (base64): {Convert.ToBase64String(bytes)}\n{ex}");
                }
            }
        }

        FuzzBudget.Record(target, executions, output.WriteLine);
        Assert.True(executions > 100, $"{target} ran only {executions} times");
    }

    private static JsonElement? Document(byte[] bytes, JsonDocumentOptions options)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, options);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public void Message_payloads_parse_without_throwing_and_agree_with_System_Text_Json() =>
        Fuzz("message", FuzzSamples.Inputs(FuzzSamples.Messages), bytes =>
        {
            var ok = MessagePayload.TryParse(bytes, out var plain);
            var pooled = MessagePayload.TryParse(bytes, out var interned, new StringPool());
            var isUser = MessagePayload.IsUserMessage(bytes);
            if (Utf8.IsValid(bytes))
            {
                // Interning must change nothing but allocations.
                Assert.Equal(ok, pooled);
                Assert.Equal(MessageOracle.Describe(plain), MessageOracle.Describe(interned));
            }

            if (Document(bytes, MessageOracle.Options) is not { } root)
            {
                return;
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                Assert.False(ok);
                return;
            }

            var expected = MessageOracle.Read(root);
            Assert.Equal(expected is not null, ok);
            if (expected is { } e)
            {
                Assert.Equal(MessageOracle.Describe(e), MessageOracle.Describe(plain));
                if (isUser && root.EnumerateObject().Count(p => p.NameEquals("role"u8)) == 1)
                {
                    Assert.True(root.GetProperty("role"u8).ValueEquals("user"u8)); // the quick look never hides an assistant reply
                }
            }
        });

    [Fact]
    public void The_quick_message_scanner_answers_only_where_Utf8JsonReader_reads_the_same() =>
        Fuzz("message-scanner", FuzzSamples.Inputs(FuzzSamples.Messages), bytes =>
        {
            foreach (var (pooled, readIds) in new[] { (false, true), (true, false) })
            {
                var quick = default(MessagePayload);
                if (!MessageFieldScanner.TryRead(bytes, ref quick, pooled ? new StringPool() : null, readIds))
                {
                    continue; // left to the reader, which MessagePayload.TryParse then asks
                }

                Assert.True(MessagePayload.TryParseWithReader(bytes, out var read, pooled ? new StringPool() : null, readIds),
                    "the scanner read a message Utf8JsonReader refuses");
                Assert.Equal(MessageOracle.Describe(read), MessageOracle.Describe(quick));
            }
        });

    /// <summary>Whether System.Text.Json can read every string and number of the document as .NET values.</summary>
    private static bool Readable(JsonElement element)
    {
        try
        {
            return element.ValueKind switch
            {
                JsonValueKind.Object => element.EnumerateObject().All(p => p.Name is not null && Readable(p.Value)),
                JsonValueKind.Array => element.EnumerateArray().All(Readable),
                JsonValueKind.String => element.GetString() is not null,
                JsonValueKind.Number => element.TryGetInt64(out _) || element.TryGetDouble(out _),
                _ => true,
            };
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>A name System.Text.Json cannot turn into text (a lone surrogate escape) is no name the parser looks for.</summary>
    private static bool NameIs(JsonProperty property, string name)
    {
        try
        {
            return property.NameEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    [Fact]
    public void Part_payloads_parse_without_throwing_and_agree_with_System_Text_Json() =>
        Fuzz("part", FuzzSamples.Inputs(FuzzSamples.Parts), bytes =>
        {
            var ok = PartPayload.TryParse(bytes, out var part);
            if (Document(bytes, default) is not { } root || !Utf8.IsValid(bytes))
            {
                return;
            }

            string? Last(string name) =>
                root.ValueKind != JsonValueKind.Object ? null
                : root.EnumerateObject().LastOrDefault(p => NameIs(p, name)) is { Value.ValueKind: JsonValueKind.String } p ? p.Value.GetString() : null;
            if (!ok)
            {
                // A rejected valid document has no type, or a value System.Text.Json cannot read either.
                Assert.True(Last("type") is null || !Readable(root));
                return;
            }

            Assert.Equal(Last("type"), part.Type);
            Assert.Equal(Last("tool"), part.Tool);
            Assert.Equal(Last("callID"), part.CallId);
            Assert.Equal(PartPayload.Snippet(Last("text")), part.Text);
        });

    [Fact]
    public void Auth_files_are_read_or_rejected_as_AuthFileInvalid_naming_the_file() =>
        Fuzz("auth.json", FuzzSamples.Inputs(FuzzSamples.Auth), bytes =>
        {
            var data = Path.Combine(_dir, "data");
            var path = Path.Combine(data, "opencode", "auth.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            var diagnostics = new ReadDiagnostics();
            var found = AuthFile.Read(name => name == "XDG_DATA_HOME" ? data : null, diagnostics, ActivityLog.None);
            Assert.All(diagnostics.Failures, f =>
            {
                Assert.Equal("AuthFileInvalid", f.ErrorId);
                Assert.Equal(path, f.Target);
            });
            Assert.True(diagnostics.Failures.Count <= 1);
            if (diagnostics.Failures.Count == 1)
            {
                Assert.Empty(found);
            }
            else if (Document(bytes, Jsonc.Options) is { ValueKind: JsonValueKind.Object } root)
            {
                Assert.True(found.Count <= root.EnumerateObject().Count());
            }
        }, threads: 1);

    [Fact]
    public void Config_text_is_read_or_rejected_as_ConfigFileInvalid() =>
        Fuzz("config", FuzzSamples.Inputs(FuzzSamples.Config), bytes =>
        {
            var content = Encoding.UTF8.GetString(bytes);
            var diagnostics = new ReadDiagnostics();
            string? Environment(string name) => name switch
            {
                "OPENCODE_CONFIG_CONTENT" => content,
                "HOME" or "XDG_CONFIG_HOME" => _dir,
                _ => null,
            };
            ConfigApiKeys.Read(Environment, _dir, diagnostics, ActivityLog.None);
            Assert.All(diagnostics.Failures, f => Assert.Contains(f.ErrorId, new[] { "ConfigFileInvalid", "ConfigFileUnreadable", "ConfigReferenceInvalid" }));

            try
            {
                Jsonc.Parse(bytes, "fuzz", "FuzzInvalid", "The input").Dispose();
            }
            catch (OpenCodeUsageException ex)
            {
                Assert.Equal("FuzzInvalid", ex.ErrorId);
            }
        }, threads: 1);

    [Fact]
    public void Pricing_files_load_or_fail_as_PricingFileInvalid() =>
        Fuzz("pricing", FuzzSamples.Inputs(FuzzSamples.Config), bytes =>
        {
            var path = Path.Combine(_dir, "prices.json");
            File.WriteAllBytes(path, bytes);
            try
            {
                var catalog = PriceCatalog.FromFile(path);
                Assert.True(catalog.Count >= 0);
            }
            catch (OpenCodeUsageException ex)
            {
                Assert.Equal("PricingFileInvalid", ex.ErrorId);
                Assert.Equal(path, ex.Target);
            }
        }, threads: 1);

    [Fact]
    public void Go_responses_parse_or_answer_null_and_percentages_come_from_the_text() =>
        Fuzz("go-response", FuzzSamples.Inputs(FuzzSamples.Go), bytes =>
        {
            var api = GoUsageParser.ParseApi(bytes);
            var page = GoUsageParser.ParsePage(bytes, "wrk_fuzz", DateTimeOffset.UnixEpoch);
            Assert.True(api is null || api.Windows.Count is > 0 and <= 3);
            Assert.True(page is null || page.Windows.Count is > 0 and <= 3);
        });

    [Fact]
    public void Server_sent_events_never_throw_and_never_exceed_the_event_limit() =>
        Fuzz("sse", FuzzSamples.Inputs(FuzzSamples.Sse), bytes =>
        {
            var parser = new SseParser();
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
            {
                Assert.True((parser.Line(line.TrimEnd('\r'))?.Length ?? 0) <= SseParser.MaxEventChars);
            }
        });

    private static readonly Func<string, (string?, string?)> ParseSessionModel = typeof(SqliteStore)
        .GetMethod("ParseSessionModel", BindingFlags.NonPublic | BindingFlags.Static)!
        .CreateDelegate<Func<string, (string?, string?)>>();

    [Fact]
    public void Session_model_columns_parse_without_throwing() =>
        Fuzz("session-model", FuzzSamples.Inputs(FuzzSamples.Utf8Model), bytes =>
        {
            var (provider, model) = ParseSessionModel(Encoding.UTF8.GetString(bytes));
            Assert.True(provider is null || provider.Length <= bytes.Length * 2);
            Assert.True(model is null || model.Length <= bytes.Length * 2);
        });
}

[CollectionDefinition(nameof(FuzzCollection), DisableParallelization = true)]
public sealed class FuzzCollection;
