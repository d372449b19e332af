using System.Text.Json.Nodes;
using static OpenCodeV2Data.NativeScenario;

namespace OpenCodeV2Data;

/// <summary>
/// A real 1.18.33 data dir (tests/data/oc-1.18.33) migrated by 2.x on 2026-11-28, then used: a 2.x turn added to a
/// migrated session (the 1.x session that was forked in 1.x), a new native 2.x session with title usage, and a 1.x
/// client that goes on writing the old tables afterwards (a turn on a migrated session, and a new 1.x session):
/// rows 2.x never imports and whose usage its session_v2 totals never see.
/// </summary>
public static class MigratedScenario
{
    public const string MigratedSession = "ses_de4fdd850ffeMLlPG9R4zuiYCe";
    public const string V1ClientSession = "ses_de4fda262ffeO94mlUkVDtMF3n";
    public const string AlphaProjectV1 = "69cd3719683d6018778c1f41ec2ecea9ae62cad3";
    public const string BetaProjectV1 = "0402f5849eca81d9f6c4e75a980f7a262a9b4447";
    public static long MigrationTime => T(5, 9, 0);

    public static void Write(V2Database db)
    {
        V1History(db);
        V1Migration.AddV2Tables(db);
        V1Migration.Run(db, MigrationTime);

        var migrated = db.Existing(MigratedSession);
        migrated.User("Pick this up again in 2.x", T(5, 10, 0));
        var step = migrated.StartStep(Model.Reason, T(5, 10, 0, 1)).Reasoning("Continue where 1.x stopped.")
            .Tool("call_v2_read", "read", new JsonObject { ["filePath"] = "/home/dev/projects/alpha/README.md" }, "# alpha", T(5, 10, 0, 2));
        migrated.EndStep(step, new Tokens(1300, 70, 24, 2500, 0), T(5, 10, 0, 9), "tool-calls");
        step = migrated.StartStep(Model.Reason, T(5, 10, 0, 10)).Text("Done in 2.x.");
        migrated.EndStep(step, new Tokens(110, 25, 8, 3700, 0), T(5, 10, 0, 13));
        migrated.Idle(T(5, 10, 0, 14));

        var native = db.Session(AlphaProjectV1, "/home/dev/projects/alpha", T(6, 11, 0), model: Model.Sonnet, version: "2.0.18");
        native.User("A fresh 2.x session", T(6, 11, 0, 1));
        step = native.StartStep(Model.Sonnet, T(6, 11, 0, 2)).Text("Hello from 2.x.");
        native.EndStep(step, new Tokens(2200, 44, 0, 0, 2100), T(6, 11, 0, 6));
        native.Title("A fresh 2.x session", Model.Fast, new Tokens(270, 6, 0, 0, 0), T(6, 11, 0, 7));
        native.Idle(T(6, 11, 0, 8));

        V1Client.Turn(db, V1ClientSession, Model.Smart, new Tokens(1700, 33, 0, 1600, 0), T(6, 16, 0), "written by 1.x after the migration");
        V1Client.NewSession(db, BetaProjectV1, "/home/dev/projects/beta", Model.Fast, new Tokens(2500, 28, 0, 0, 0), T(7, 9, 0), "A 1.x session after the migration");

        db.Credential("mockant", "auth.json", new JsonObject { ["type"] = "key", ["key"] = "sk-mock-anthropic-from-auth-json" }, "api", true, MigrationTime);
    }

    /// <summary>The ledger of the 1.x history: every 1.x assistant message but fork copies (same payload without
    /// parentID and the same creation time as an older message).</summary>
    static void V1History(V2Database db)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in db.Rows("SELECT id, session_id, time_created, data FROM message ORDER BY id"))
        {
            var data = (JsonObject)JsonNode.Parse((string)r[3]!)!;
            if ((string?)data["role"] != "assistant") continue;
            data.Remove("parentID");
            if (!seen.Add(data.ToJsonString())) continue;
            var t = data["tokens"]!;
            var tokens = new Tokens((long)t["input"]!, (long)t["output"]!, (long)t["reasoning"]!, (long)t["cache"]!["read"]!, (long)t["cache"]!["write"]!);
            db.Ledger.Add(new Charge((string)r[1]!, "v1", (string)r[0]!, (long)(data["time"]?["created"] ?? (long)r[2]!),
                data["providerID"] + "/" + data["modelID"], (string?)data["agent"] ?? "", tokens, (double)data["cost"]!));
        }
    }
}

/// <summary>A 1.x client writing the old tables: message + parts, and the `session` row's own totals.</summary>
public static class V1Client
{
    public static void Turn(V2Database db, string sessionId, Model model, Tokens tokens, long at, string text)
    {
        var directory = (string)db.Scalar("SELECT directory FROM session WHERE id = $id", ("$id", sessionId))!;
        var user = db.Ids.Next("msg", at);
        db.Execute("INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ($id, $s, $t, $t, $d)",
            ("$id", user), ("$s", sessionId), ("$t", at), ("$d", new JsonObject
            {
                ["role"] = "user", ["time"] = new JsonObject { ["created"] = at }, ["agent"] = "build",
                ["model"] = new JsonObject { ["providerID"] = model.ProviderId, ["modelID"] = model.Id },
                ["summary"] = new JsonObject { ["diffs"] = new JsonArray() },
            }.ToJsonString()));
        Part(db, user, sessionId, at, new JsonObject { ["type"] = "text", ["text"] = text });
        var cost = model.Price(tokens);
        var assistant = db.Ids.Next("msg", at + 100);
        var total = tokens.Input + tokens.Output + tokens.Reasoning + tokens.CacheRead + tokens.CacheWrite;
        var tokenJson = new JsonObject
        {
            ["total"] = total, ["input"] = tokens.Input, ["output"] = tokens.Output, ["reasoning"] = tokens.Reasoning,
            ["cache"] = new JsonObject { ["write"] = tokens.CacheWrite, ["read"] = tokens.CacheRead },
        };
        db.Execute("INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ($id, $s, $t, $u, $d)",
            ("$id", assistant), ("$s", sessionId), ("$t", at + 100), ("$u", at + 900), ("$d", new JsonObject
            {
                ["parentID"] = user, ["role"] = "assistant", ["mode"] = "build", ["agent"] = "build",
                ["path"] = new JsonObject { ["cwd"] = directory, ["root"] = directory }, ["cost"] = cost, ["tokens"] = tokenJson,
                ["modelID"] = model.Id, ["providerID"] = model.ProviderId,
                ["time"] = new JsonObject { ["created"] = at + 100, ["completed"] = at + 900 }, ["finish"] = "stop",
            }.ToJsonString()));
        Part(db, assistant, sessionId, at + 110, new JsonObject { ["type"] = "step-start" });
        Part(db, assistant, sessionId, at + 500, new JsonObject { ["type"] = "text", ["text"] = "ok: " + text });
        Part(db, assistant, sessionId, at + 890, new JsonObject { ["reason"] = "stop", ["type"] = "step-finish", ["tokens"] = tokenJson.DeepClone(), ["cost"] = cost });
        db.Execute("UPDATE session SET cost = cost + $c, tokens_input = tokens_input + $i, tokens_output = tokens_output + $o, " +
                   "tokens_reasoning = tokens_reasoning + $r, tokens_cache_read = tokens_cache_read + $cr, tokens_cache_write = tokens_cache_write + $cw, " +
                   "time_updated = $t WHERE id = $id",
            ("$c", cost), ("$i", tokens.Input), ("$o", tokens.Output), ("$r", tokens.Reasoning), ("$cr", tokens.CacheRead),
            ("$cw", tokens.CacheWrite), ("$t", at + 900), ("$id", sessionId));
        db.Ledger.Add(new Charge(sessionId, "v1", assistant, at + 100, model.Key, "build", tokens, cost));
    }

    public static string NewSession(V2Database db, string projectId, string directory, Model model, Tokens tokens, long at, string title)
    {
        var id = db.Ids.Session(at);
        db.Execute("INSERT INTO session (id, project_id, slug, directory, path, title, version, agent, model, time_created, time_updated) " +
                   "VALUES ($id, $p, $slug, $d, '', $title, '1.18.33', 'build', $m, $t, $t)",
            ("$id", id), ("$p", projectId), ("$slug", db.Ids.Slug()), ("$d", directory), ("$title", title),
            ("$m", V2Database.ModelJson(model, withVariant: true).ToJsonString()), ("$t", at));
        Turn(db, id, model, tokens, at + 50, title);
        return id;
    }

    static void Part(V2Database db, string messageId, string sessionId, long at, JsonObject data) =>
        db.Execute("INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ($id, $m, $s, $t, $t, $d)",
            ("$id", db.Ids.Next("prt", at)), ("$m", messageId), ("$s", sessionId), ("$t", at), ("$d", data.ToJsonString()));
}
