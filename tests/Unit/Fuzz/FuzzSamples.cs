using System.Text;
using CsCheck;
using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Tests.Fuzz;

/// <summary>Real inputs to start from: every message and part payload of the committed data sets, and real file shapes.</summary>
internal static class FuzzSamples
{
    public static IReadOnlyList<byte[]> Messages => LazyMessages.Value;

    public static IReadOnlyList<byte[]> Parts => LazyParts.Value;

    private static readonly Lazy<List<byte[]>> LazyMessages = new(() => [.. Payloads("message"), .. Payloads("session_message"), .. Found("message-")]);

    private static readonly Lazy<List<byte[]>> LazyParts = new(() => Payloads("part"));

    public static readonly IReadOnlyList<byte[]> Auth = With("auth-",
        """{"anthropic":{"type":"api","key":"sk-ant-0000"},"openai":{"type":"oauth","refresh":"r","access":"a","expires":1700000000000,"accountId":"acct"},"corp":{"type":"wellknown","key":"K","token":"t"}}""",
        """{"opencode-go":{"type":"api","key":"go-0000","metadata":{"x":1}}}""",
        "{\n  // comment\n  \"mock\": { \"type\": \"api\", \"key\": \"k\", },\n}");

    public static readonly IReadOnlyList<byte[]> Config = With("config-",
        """{"$schema":"https://opencode.ai/config.json","provider":{"mock":{"options":{"apiKey":"{env:MOCK_API_KEY}"},"models":{"mock-fast":{"cost":{"input":1,"output":2,"cache_read":0.1,"cache_write":1.25}}}}}}""",
        "{ \"provider\": { \"mockfile\": { \"options\": { \"apiKey\": \"{file:./secrets/key.txt}\" } } } }",
        """{"mock":{"id":"mock","env":["MOCK_API_KEY"],"models":{"m":{"cost":{"input":3,"output":15,"cache":{"read":0.3,"write":3.75},"context_over_200k":{"input":6,"output":22.5}}}}}}""");

    public static readonly IReadOnlyList<byte[]> Go = With("go-",
        GoResponses.Api, GoResponses.Page, GoResponses.Shell, GoResponses.Unauthorized, GoResponses.NotEntitled,
        """rollingUsage:$R[28]={status:"ok",resetInSec:17591,usagePercent:12},weeklyUsage:$R[29]={status:"ok",resetInSec:3600,usagePercent:30.5}""",
        """{"rollingUsage":{"usagePercent":12,"resetInSec":5},"monthlyUsage":{"usagePercent":100,"status":"rate-limited"}}""");

    public static readonly IReadOnlyList<byte[]> Utf8Model = With("session-model-",
        """{"id":"mock-smart","providerID":"mock","variant":"high"}""", """{"modelID":"gpt","providerID":"openai"}""");

    public static readonly IReadOnlyList<byte[]> Sse = Utf8(
        File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Unit", "Activity", "global-event-1.18.33.txt")));

    /// <summary>Random bytes half the time, mutated samples the other half.</summary>
    public static Gen<byte[]> Inputs(IReadOnlyList<byte[]> samples) =>
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 512]),
            (1, Gen.Select(Gen.Int[0, int.MaxValue], Gen.ULong, (i, seed) => Mutator.Mutate(samples, i, seed))),
            (1, Gen.Int[0, int.MaxValue].Select(i => samples[i % samples.Count])));

    private static List<byte[]> Utf8(params string[] texts) => texts.Select(Encoding.UTF8.GetBytes).ToList();

    /// <summary>Real shapes, and what the fuzzer found before (tests/data/corrupt/fuzz-found) as seeds.</summary>
    private static List<byte[]> With(string foundPrefix, params string[] texts) => [.. Utf8(texts), .. Found(foundPrefix)];

    private static IEnumerable<byte[]> Found(string prefix) =>
        Directory.EnumerateFiles(Path.Combine(CorruptCorpus.Folder, "fuzz-found"), prefix + "*")
            .Order(StringComparer.Ordinal)
            .Select(File.ReadAllBytes);

    private static List<byte[]> Payloads(string table)
    {
        var payloads = new List<byte[]>();
        foreach (var db in Directory.EnumerateFiles(RepoPaths.TestData, "opencode.db", SearchOption.AllDirectories)
                     .Where(p => !p.Contains("corrupt", StringComparison.Ordinal)))
        {
            // Immutable and read-only: the committed databases are never written or locked.
            using var connection = new SqliteConnection($"Data Source={new Uri(db).AbsoluteUri}?immutable=1;Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            // A 2.x database (tests/data/v2) has no message or part table, a 1.x one no session_message rows.
            command.CommandText = $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'";
            if ((long)command.ExecuteScalar()! == 0)
            {
                continue;
            }

            command.CommandText = $"SELECT CAST(data AS BLOB) FROM {table}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                payloads.Add((byte[])reader.GetValue(0));
            }
        }

        foreach (var file in Directory.EnumerateFiles(RepoPaths.TestData, "*.json", SearchOption.AllDirectories)
                     .Where(p => p.Contains(Path.Combine("storage", table), StringComparison.Ordinal) && !p.StartsWith(CorruptCorpus.Folder, StringComparison.Ordinal)))
        {
            payloads.Add(File.ReadAllBytes(file));
        }

        return payloads;
    }
}
