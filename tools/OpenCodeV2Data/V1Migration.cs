using System.Text.Json.Nodes;

namespace OpenCodeV2Data;

/// <summary>
/// Upgrades a copy of a real 1.x database to 2.x the way upstream does it (anomalyco/opencode
/// packages/core/src/database/v1-migration.bun.ts, read at commit 0871f3f7): the 2.x tables are added (committed DDL),
/// every `event` row is deleted, each `session` row is copied into `session_v2` with the same id, its messages become
/// `session_message` rows keeping the 1.x message ids (seq = their index, ordered by time_created then id), the totals
/// are recomputed from ALL its 1.x assistant messages (a 1.x fork's include its copies), subtask pairs are dropped,
/// and `kv['migration.v1-v2']` ends as {"phase":"completed"}. The 1.x tables stay.
/// Simplified against upstream (absent from the 1.18.33 data this runs on, and reported here rather than guessed):
/// compaction pairs are dropped instead of folded into one `compaction` row; synthetic text parts and file parts are
/// left out; no legacy tool notice row is appended.
/// </summary>
public static class V1Migration
{
    public const string StateKey = "migration.v1-v2";

    /// <summary>Adds the 2.x tables to an open 1.x database, as the 2.x schema migrations leave it.</summary>
    public static void AddV2Tables(V2Database db)
    {
        if (Convert.ToInt64(db.Scalar("SELECT count(*) FROM session_message")) != 0)
            throw new InvalidOperationException("the 1.x session_message table is not empty");
        db.Execute("DROP TABLE session_message");
        foreach (var statement in Ddl.Native)
        {
            var name = Ddl.NameOf(statement);
            if (name is "project" or "credential" or "event" or "event_sequence" || name.StartsWith("event_", StringComparison.Ordinal)) continue;
            db.Execute(statement);
        }
        db.Execute("ALTER TABLE `project` ADD `time_active` integer DEFAULT 0 NOT NULL");
        db.Execute("ALTER TABLE `event` ADD `created` integer DEFAULT 0 NOT NULL");
    }

    /// <summary>Runs the migration at <paramref name="at"/> (its kv row's time).</summary>
    public static void Run(V2Database db, long at)
    {
        db.Execute("DELETE FROM event");
        db.Kv(StateKey, new JsonObject { ["phase"] = "sessions" }, at);
        var ids = db.Rows("SELECT id FROM session ORDER BY id DESC").Select(r => (string)r[0]!).ToList();
        foreach (var id in ids)
        {
            db.Kv(StateKey, new JsonObject { ["phase"] = "sessions", ["cursor"] = id }, at);
            db.Execute("""
                INSERT OR IGNORE INTO session_v2 (
                  id, project_id, workspace_id, parent_id, slug, directory, path, title, version, share_url,
                  summary_additions, summary_deletions, summary_files, summary_diffs, metadata, cost,
                  tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write,
                  revert, permission, agent, model, time_created, time_updated, time_compacting, time_archived)
                SELECT id, project_id, workspace_id, parent_id, slug, directory, path, title, version, share_url,
                  summary_additions, summary_deletions, summary_files, summary_diffs, metadata, cost,
                  tokens_input, tokens_output, tokens_reasoning, tokens_cache_read, tokens_cache_write,
                  revert, NULL, agent, model, time_created, time_updated, time_compacting, time_archived
                FROM session WHERE id = $id
                """, ("$id", id));
            MigrateSession(db, id);
        }
        db.Kv(StateKey, new JsonObject { ["phase"] = "completed" }, at);
    }

    sealed record Message(string Id, long Created, long Updated, JsonObject Data, List<JsonObject> Parts);

    static void MigrateSession(V2Database db, string sessionId)
    {
        var messages = db.Rows("SELECT id, time_created, time_updated, data FROM message WHERE session_id = $s", ("$s", sessionId))
            .Select(r => new Message((string)r[0]!, (long)r[1]!, (long)r[2]!, (JsonObject)JsonNode.Parse((string)r[3]!)!, []))
            .OrderBy(m => m.Created).ThenBy(m => m.Id, StringComparer.Ordinal).ToList();
        var byId = messages.ToDictionary(m => m.Id);
        foreach (var r in db.Rows("SELECT id, message_id, data FROM part WHERE session_id = $s ORDER BY id", ("$s", sessionId)))
            if (byId.TryGetValue((string)r[1]!, out var owner)) owner.Parts.Add((JsonObject)JsonNode.Parse((string)r[2]!)!);

        var rows = new List<(string Id, string Type, long Created, long Updated, JsonObject Data)>();
        foreach (var m in messages)
        {
            var role = (string?)m.Data["role"];
            if (role == "user")
            {
                if (m.Parts.Any(p => Type(p) == "compaction")) continue;
                var texts = m.Parts.Where(p => Type(p) == "text" && p["ignored"]?.GetValue<bool>() != true && p["synthetic"]?.GetValue<bool>() != true).ToList();
                if (m.Parts.Any(p => Type(p) == "subtask") && texts.Count == 0) continue;
                rows.Add((m.Id, "user", m.Created, m.Updated, new JsonObject
                {
                    ["text"] = string.Join("\n\n", texts.Select(p => (string?)p["text"])),
                    ["time"] = new JsonObject { ["created"] = m.Created },
                }));
                continue;
            }
            if (role != "assistant") continue;
            if (m.Data["summary"]?.GetValue<bool>() == true) continue; // the summary half of a compaction pair
            var parent = (string?)m.Data["parentID"] is { } pid && byId.TryGetValue(pid, out var p0) ? p0 : null;
            if (parent is not null && parent.Parts.Any(p => Type(p) == "subtask") && m.Parts.Any(p => Type(p) == "tool" && (string?)p["tool"] == "task"))
                continue;
            rows.Add((m.Id, "assistant", m.Created, m.Updated, Assistant(m)));
        }
        for (var seq = 0; seq < rows.Count; seq++)
        {
            var row = rows[seq];
            db.Execute("INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data) VALUES ($id, $s, $t, $q, $c, $u, $d)",
                ("$id", row.Id), ("$s", sessionId), ("$t", row.Type), ("$q", (long)seq), ("$c", row.Created), ("$u", row.Updated),
                ("$d", row.Data.ToJsonString()));
        }

        // Totals from every 1.x assistant message, in message order (JS reduce from 0).
        double cost = 0;
        long input = 0, output = 0, reasoning = 0, cacheRead = 0, cacheWrite = 0;
        foreach (var m in messages.Where(m => (string?)m.Data["role"] == "assistant"))
        {
            cost += m.Data["cost"]?.GetValue<double>() ?? 0;
            var t = m.Data["tokens"];
            input += Long(t?["input"]);
            output += Long(t?["output"]);
            reasoning += Long(t?["reasoning"]);
            cacheRead += Long(t?["cache"]?["read"]);
            cacheWrite += Long(t?["cache"]?["write"]);
        }
        var latestUser = messages.LastOrDefault(m => (string?)m.Data["role"] == "user" && !m.Parts.All(p => Type(p) == "subtask"));
        var agent = (string?)db.Scalar("SELECT agent FROM session WHERE id = $id", ("$id", sessionId)) ?? (string?)latestUser?.Data["agent"];
        var model = (string?)db.Scalar("SELECT model FROM session WHERE id = $id", ("$id", sessionId))
            ?? (latestUser?.Data["model"] is JsonObject um
                ? new JsonObject { ["id"] = (string?)um["modelID"], ["providerID"] = (string?)um["providerID"], ["variant"] = (string?)um["variant"] ?? "default" }.ToJsonString()
                : null);
        db.Execute("UPDATE session_v2 SET agent = $a, model = $m, cost = $c, tokens_input = $i, tokens_output = $o, tokens_reasoning = $r, " +
                   "tokens_cache_read = $cr, tokens_cache_write = $cw, revert = NULL, time_compacting = NULL WHERE id = $id",
            ("$a", agent), ("$m", model), ("$c", cost), ("$i", input), ("$o", output), ("$r", reasoning), ("$cr", cacheRead), ("$cw", cacheWrite),
            ("$id", sessionId));
        db.SetSeq(sessionId, rows.Count - 1);
    }

    static JsonObject Assistant(Message m)
    {
        var d = m.Data;
        var content = new JsonArray();
        foreach (var p in m.Parts)
        {
            switch (Type(p))
            {
                case "text":
                    content.Add(new JsonObject { ["type"] = "text", ["text"] = (string?)p["text"] });
                    break;
                case "reasoning":
                    var time = new JsonObject { ["created"] = Long(p["time"]?["start"]) };
                    if (p["time"]?["end"] is { } end) time["completed"] = Long(end);
                    content.Add(new JsonObject { ["type"] = "reasoning", ["text"] = (string?)p["text"], ["time"] = time });
                    break;
                case "tool":
                    content.Add(Tool(p, m.Created));
                    break;
            }
        }
        var data = new JsonObject
        {
            ["agent"] = (string?)d["agent"],
            ["model"] = new JsonObject { ["providerID"] = (string?)d["providerID"], ["id"] = (string?)d["modelID"], ["variant"] = (string?)d["variant"] ?? "default" },
            ["content"] = content,
        };
        var start = m.Parts.Where(p => Type(p) == "step-start").Select(p => (string?)p["snapshot"]).FirstOrDefault(s => s is not null);
        var stop = m.Parts.Where(p => Type(p) == "step-finish").Select(p => (string?)p["snapshot"]).LastOrDefault(s => s is not null);
        if (start is not null || stop is not null)
        {
            var snapshot = new JsonObject();
            if (start is not null) snapshot["start"] = start;
            if (stop is not null) snapshot["end"] = stop;
            data["snapshot"] = snapshot;
        }
        if ((string?)d["finish"] is { } finish) data["finish"] = finish;
        data["cost"] = d["cost"]?.GetValue<double>() ?? 0;
        var t = d["tokens"];
        data["tokens"] = new JsonObject
        {
            ["input"] = Long(t?["input"]),
            ["output"] = Long(t?["output"]),
            ["reasoning"] = Long(t?["reasoning"]),
            ["cache"] = new JsonObject { ["read"] = Long(t?["cache"]?["read"]), ["write"] = Long(t?["cache"]?["write"]) },
        };
        if (d["error"] is JsonNode error) data["error"] = new JsonObject { ["type"] = "unknown", ["message"] = (string?)error["data"]?["message"] ?? (string?)error["name"] };
        var times = new JsonObject { ["created"] = m.Created };
        if (d["time"]?["completed"] is not null) times["completed"] = m.Updated;
        data["time"] = times;
        return data;
    }

    static JsonObject Tool(JsonObject part, long created)
    {
        var state = part["state"] as JsonObject;
        var status = (string?)state?["status"] ?? "completed";
        var migrated = new JsonObject
        {
            ["status"] = status is "pending" or "running" ? "error" : status,
            ["input"] = state?["input"]?.DeepClone() ?? new JsonObject(),
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = (string?)state?["output"] ?? (string?)state?["error"] ?? "" }),
            ["structured"] = state?["metadata"]?.DeepClone() ?? new JsonObject(),
        };
        var time = new JsonObject { ["created"] = state?["time"]?["start"] is { } s ? Long(s) : created };
        if (state?["time"]?["end"] is { } e) time["completed"] = Long(e);
        return new JsonObject { ["type"] = "tool", ["id"] = (string?)part["callID"], ["name"] = (string?)part["tool"], ["state"] = migrated, ["time"] = time };
    }

    static string? Type(JsonObject part) => (string?)part["type"];

    static long Long(JsonNode? node) => node is null ? 0 : node.GetValue<double>() is var v ? (long)v : 0;
}
