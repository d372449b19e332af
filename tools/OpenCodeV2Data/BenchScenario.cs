using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenCodeV2Data;

/// <summary>
/// A large native 2.x database for bench/ (sizes S/M/L by session_message rows): sessions over 60 days and several
/// projects with every 2.x case the small data sets have (steps with tools, subagents, forks, compactions with and
/// without their own usage, title usage, reverts, one step still streaming), and the figures a correct reader must
/// give, from the generator's ledger with the counting rules of tests/data/v2/README.md (usage no row carries lands
/// at its session's time_updated).
/// </summary>
public static class BenchScenario
{
    static readonly Model[] Models = [Model.Sonnet, Model.Sonnet, Model.Fast, Model.Reason, Model.Opus, Model.Smart];
    static readonly string[] Tools = ["read", "bash", "edit", "grep", "glob", "write"];

    public sealed record Result(long Rows, long Sessions, long Forks, long Children, long CopiedRows, Ledger Ledger);

    /// <summary>Writes &lt;dataDir&gt;/opencode.db (WAL, as OpenCode keeps it) and &lt;db&gt;.expected.json.</summary>
    public static Result Write(string dataDir, long rowBudget, int seed, string size)
    {
        Directory.CreateDirectory(dataDir);
        var path = Path.Combine(dataDir, "opencode.db");
        var random = new Random(seed);
        var start = NativeScenario.T(0, 0, 0) - 60L * 86_400_000;
        long sessions = 0, forks = 0, children = 0;
        Ledger ledger;
        var projects = new List<(string Id, string Dir)> { ("global", "/home/dev/scratch") };
        using (var db = V2Database.Create(path, Shape.Native, seed))
        {
            db.Bulk();
            for (var p = 0; p < 6; p++)
            {
                var id = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())) + "00000000000000000000000" + p;
                projects.Add((id[..40], $"/home/dev/projects/p{p}"));
                db.Project(id[..40], $"/home/dev/projects/p{p}", start);
            }
            db.Project("global", "/", start, vcs: null);
            // Sessions start spread over 60 days (about 14 rows each), so they overlap as a busy user's do.
            var gap = 60 * 86_400_000.0 / (rowBudget / 14.0);
            long t = start, index = 0;
            var finished = new List<(V2Session Session, string LastRow, long End)>();
            while (db.RowCount < rowBudget)
            {
                t = start + (long)(index++ * gap) + random.NextInt64(0, (long)gap + 1);
                var (projectId, dir) = projects[random.Next(projects.Count)];
                var model = Models[random.Next(Models.Length)];
                var s = db.Session(projectId, dir, t, model: model);
                sessions++;
                var turns = 1 + random.Next(6);
                string last = "";
                for (var turn = 0; turn < turns; turn++)
                {
                    t = Turn(s, model, random, t, out last);
                    if (turn == 0 && random.NextDouble() < 0.8)
                        s.Title("Session " + sessions, Model.Fast, new Tokens(200 + random.Next(400), 5 + random.Next(15), 0, 0, 0), t += 500);
                    if (random.NextDouble() < 0.08)
                    {
                        var child = db.Session(projectId, dir, t += 1000, parentId: s.Id, agent: "general", model: Model.Fast, title: "Subtask (@general subagent)");
                        children++;
                        child.User("Look into it", t);
                        t = Turn(child, Model.Fast, random, t, out _);
                    }
                    if (random.NextDouble() < 0.05)
                    {
                        var ownUsage = random.NextDouble() < 0.5;
                        if (!ownUsage) s.Usage("compaction", model, new Tokens(8000 + random.Next(30000), 300 + random.Next(900), 0, 0, 0), t += 2000);
                        s.Compaction(t += 1000, last, "Summary so far.", ownUsage ? model : null,
                            ownUsage ? new Tokens(8000 + random.Next(30000), 300 + random.Next(900), 0, 0, 0) : null);
                    }
                }
                if (turns > 1 && random.NextDouble() < 0.04)
                {
                    var undo = (string)db.Scalar("SELECT id FROM session_message WHERE session_id = $s AND type = 'user' ORDER BY seq DESC LIMIT 1", ("$s", s.Id))!;
                    s.Revert(undo, t += 5000);
                    last = (string)db.Scalar("SELECT id FROM session_message WHERE session_id = $s ORDER BY seq DESC LIMIT 1", ("$s", s.Id))!;
                }
                finished.Add((s, last, t));
                if (finished.Count > 3 && random.NextDouble() < 0.05)
                {
                    var (source, boundary, end) = finished[random.Next(finished.Count - 1)];
                    t = Math.Max(t, end) + 60_000;
                    var fork = source.Fork(boundary, t);
                    forks++;
                    fork.User("Try another way", t);
                    t = Turn(fork, model, random, t, out _);
                }
            }
            t = finished.Max(f => f.End) + 60_000;
            var streaming = db.Session(projects[1].Id, projects[1].Dir, t, model: Model.Sonnet, title: "Still streaming");
            sessions++;
            streaming.User("Explain", t);
            var step = streaming.StartStep(Model.Sonnet, t += 300).Text("Partial");
            streaming.Stream(step, t + 200);
            ledger = db.Ledger;
            var copied = Convert.ToInt64(db.Scalar("SELECT count(*) FROM session_message WHERE id GLOB 'msg_*_*'"));
            var times = db.Rows("SELECT id, time_updated FROM session_v2").ToDictionary(r => (string)r[0]!, r => (long)r[1]!);
            var copies = db.Rows("SELECT data FROM session_message WHERE id GLOB 'msg_*_*' AND type IN ('assistant', 'compaction') AND json_extract(data, '$.tokens') IS NOT NULL")
                .Select(r => JsonNode.Parse((string)r[0]!)!).ToList();
            var rows = db.RowCount;
            db.EndBulk(wal: true);
            WriteExpected(path + ".expected.json", size, seed, rows, sessions, forks, children, copied, ledger, times, copies);
            return new Result(rows, sessions, forks, children, copied, ledger);
        }
    }

    static long Turn(V2Session s, Model model, Random random, long t, out string last)
    {
        s.User("Please do the next thing", t += 1000);
        var steps = 1 + random.Next(4);
        long cached = 0;
        for (var i = 0; i < steps; i++)
        {
            var step = s.StartStep(model, t += 500);
            if (model == Model.Reason) step.Reasoning("Thinking it through.");
            var toolCall = i < steps - 1;
            if (toolCall)
                step.Tool("call_" + t, Tools[random.Next(Tools.Length)], new JsonObject { ["filePath"] = "/home/dev/x" }, Output(random), t + 100);
            else step.Text("Done.");
            var input = 200 + random.Next(6000);
            var tokens = new Tokens(input, 20 + random.Next(600), model == Model.Reason ? random.Next(800) : 0, cached,
                i == 0 ? random.Next(2000) : 0);
            cached += input;
            s.EndStep(step, tokens, t += 1000 + random.Next(20_000), toolCall ? "tool-calls" : "stop");
        }
        s.Idle(t += 100);
        last = s.LastRowId();
        return t;
    }

    const string Lorem = "export function parse(input: string) { return input.split(\"\\n\").map(line => line.trim()); }\n";

    /// <summary>A tool output of 100 B to 4 KB (log-uniform), like the 1.x bench's outputs at their default scale.</summary>
    static string Output(Random random)
    {
        var length = (int)Math.Exp(Math.Log(100) + random.NextDouble() * (Math.Log(4096) - Math.Log(100)));
        return string.Concat(Enumerable.Repeat(Lorem, length / Lorem.Length + 1))[..length];
    }

    static void WriteExpected(string path, string size, int seed, long rows, long sessions, long forks, long children, long copied,
        Ledger ledger, Dictionary<string, long> sessionUpdated, List<JsonNode> copies)
    {
        var days = new SortedDictionary<string, Sum>(StringComparer.Ordinal);
        var dedup = new Sum();
        foreach (var c in ledger.Charges)
        {
            // Usage no row carries (title, compaction request, reverted step) lands at the session's time_updated.
            var at = c.RowId.Length == 0 || c.Reverted ? sessionUpdated[c.SessionId] : c.Time;
            var day = DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            if (!days.TryGetValue(day, out var sum)) days[day] = sum = new Sum();
            var counted = c.RowId.Length > 0 && !c.Reverted;
            sum.Add(c.Tokens, c.Cost, counted);
            dedup.Add(c.Tokens, c.Cost, counted);
        }
        var raw = dedup.Clone();
        foreach (var copy in copies)
        {
            var t = copy["tokens"]!;
            raw.Add(new Tokens((long)t["input"]!, (long)t["output"]!, (long)t["reasoning"]!, (long)t["cache"]!["read"]!, (long)t["cache"]!["write"]!),
                (double)copy["cost"]!, true);
        }
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("generator", "OpenCodeV2Data.BenchScenario");
        json.WriteString("opencodeVersion", "2.0.18");
        json.WriteString("size", size);
        json.WriteNumber("seed", seed);
        json.WriteString("note", "Native 2.x: steps (session_message assistant rows with tokens) plus usage no row carries at the session's time_updated; " +
            "output excludes reasoning; cost in USD as stored; days are UTC; dedup = fork copies removed; assistantMessages counts rows with usage.");
        json.WriteStartObject("counts");
        json.WriteNumber("sessions", sessions + forks + children);
        json.WriteNumber("rootSessions", sessions);
        json.WriteNumber("childSessions", children);
        json.WriteNumber("forkSessions", forks);
        json.WriteNumber("messages", rows);
        json.WriteNumber("assistantMessages", raw.Messages);
        json.WriteNumber("forkCopiedMessages", copied);
        json.WriteEndObject();
        raw.Write(json, "raw");
        dedup.Write(json, "dedup");
        json.WriteStartArray("daysUtc");
        foreach (var (day, sum) in days)
        {
            json.WriteStartObject();
            json.WriteString("date", day);
            sum.Fields(json);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    sealed class Sum
    {
        public long Messages, Input, Output, Reasoning, CacheRead, CacheWrite;
        public decimal Cost;

        public void Add(Tokens t, double cost, bool counted)
        {
            if (counted) Messages++;
            Input += t.Input;
            Output += t.Output;
            Reasoning += t.Reasoning;
            CacheRead += t.CacheRead;
            CacheWrite += t.CacheWrite;
            Cost += (decimal)cost;
        }

        public Sum Clone() => (Sum)MemberwiseClone();

        public void Write(Utf8JsonWriter json, string name)
        {
            json.WriteStartObject(name);
            Fields(json);
            json.WriteEndObject();
        }

        public void Fields(Utf8JsonWriter json)
        {
            json.WriteNumber("assistantMessages", Messages);
            json.WriteNumber("input", Input);
            json.WriteNumber("output", Output);
            json.WriteNumber("reasoning", Reasoning);
            json.WriteNumber("cacheRead", CacheRead);
            json.WriteNumber("cacheWrite", CacheWrite);
            json.WriteNumber("cost", Cost);
        }
    }
}
