using System.Text.Json.Nodes;

namespace OpenCodeV2Data;

/// <summary>One step being written: its row is in the table from its start, without tokens until it ends.</summary>
public sealed class Step
{
    internal Step(string id, Model model, string agent, JsonObject data)
    {
        Id = id;
        Model = model;
        Agent = agent;
        Data = data;
    }

    public string Id { get; }
    public Model Model { get; }
    public string Agent { get; }
    internal JsonObject Data { get; }
    internal JsonArray Content => (JsonArray)Data["content"]!;

    public Step Text(string text) => Add(new JsonObject { ["type"] = "text", ["id"] = "txt_" + Content.Count, ["text"] = text });

    public Step Reasoning(string text) => Add(new JsonObject { ["type"] = "reasoning", ["id"] = "rsn_" + Content.Count, ["text"] = text });

    /// <summary>A completed tool call (SessionMessageAssistantTool), output as text content.</summary>
    public Step Tool(string callId, string name, JsonObject input, string output, long at, JsonObject? structured = null) =>
        Add(new JsonObject
        {
            ["type"] = "tool",
            ["id"] = callId,
            ["name"] = name,
            ["state"] = new JsonObject
            {
                ["status"] = "completed",
                ["input"] = input,
                ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = output }),
                ["structured"] = structured ?? new JsonObject(),
            },
            ["time"] = new JsonObject { ["created"] = at, ["ran"] = at + 5, ["completed"] = at + 40 },
        });

    Step Add(JsonObject item)
    {
        Content.Add(item);
        return this;
    }
}

/// <summary>A session being written, event by event, with the clock the caller passes.</summary>
public sealed class V2Session
{
    readonly V2Database db;

    internal V2Session(V2Database db, string id, string projectId, string agent, Model? model)
    {
        this.db = db;
        Id = id;
        ProjectId = projectId;
        Agent = agent;
        Model = model;
    }

    public string Id { get; }
    public string ProjectId { get; }
    public string Agent { get; }
    public Model? Model { get; }

    string Table => db.SessionTable;
    bool IsV2 => Table == "session_v2";

    public string User(string text, long at) =>
        Row("user", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["text"] = text }, at);

    public string ModelSwitched(Model model, long at) =>
        Row("model-switched", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["model"] = V2Database.ModelJson(model) }, at);

    public string AgentSwitched(string agent, long at) =>
        Row("agent-switched", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["agent"] = agent }, at);

    public string System(string text, long at) =>
        Row("system", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["text"] = text }, at);

    public string Synthetic(string text, long at) =>
        Row("synthetic", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["sessionID"] = Id, ["text"] = text }, at);

    public string Shell(string command, string output, long at) =>
        Row("shell", new JsonObject
        {
            ["time"] = new JsonObject { ["created"] = at, ["completed"] = at + 300 },
            ["callID"] = "sh_" + at, ["command"] = command, ["output"] = output,
        }, at);

    /// <summary>Step start: the assistant row, content empty, no tokens, no finish.</summary>
    public Step StartStep(Model model, long at, string? agent = null)
    {
        var data = new JsonObject
        {
            ["time"] = new JsonObject { ["created"] = at },
            ["agent"] = agent ?? Agent,
            ["model"] = V2Database.ModelJson(model, withVariant: !IsV2), // the preview writes variant "default"
            ["content"] = new JsonArray(),
        };
        var id = Row("assistant", data, at);
        return new Step(id, model, agent ?? Agent, data);
    }

    /// <summary>Streaming: the row rewritten in place with the content so far.</summary>
    public void Stream(Step step, long at) => Rewrite(step.Id, step.Data, at);

    /// <summary>Step end: the row stamped with finish, cost and tokens; the session's totals added to.</summary>
    public void EndStep(Step step, Tokens tokens, long at, string finish = "stop", string? error = null)
    {
        var cost = step.Model.Price(tokens);
        ((JsonObject)step.Data["time"]!)["completed"] = at;
        step.Data["finish"] = finish;
        step.Data["cost"] = cost;
        step.Data["tokens"] = TokensJson(tokens);
        if (error is not null) step.Data["error"] = new JsonObject { ["type"] = "unknown", ["message"] = error };
        Rewrite(step.Id, step.Data, at);
        AddTotals(tokens, cost, at);
        db.Ledger.Add(new Charge(Id, "step", step.Id, StartTime(step), step.Model.Key, step.Agent, tokens, cost));
    }

    /// <summary>Usage no row carries (session.usage.recorded): a title, a compaction request.</summary>
    public void Usage(string kind, Model model, Tokens tokens, long at)
    {
        var cost = model.Price(tokens);
        db.NextSeq(Id);
        AddTotals(tokens, cost, at);
        db.Ledger.Add(new Charge(Id, kind, "", at, model.Key, Agent, tokens, cost));
    }

    /// <summary>Title generation: the title set, its usage in the totals only.</summary>
    public void Title(string title, Model model, Tokens tokens, long at)
    {
        db.Execute($"UPDATE {Table} SET title = $title WHERE id = $id", ("$title", title), ("$id", Id));
        Usage("title", model, tokens, at);
    }

    /// <summary>A compaction row; with <paramref name="own"/> it carries its own usage (and model), else none.</summary>
    public string Compaction(long at, string recent, string summary, Model? model = null, Tokens? own = null)
    {
        var data = new JsonObject
        {
            ["time"] = new JsonObject { ["created"] = at },
            ["status"] = "completed",
            ["reason"] = "auto",
            ["summary"] = summary,
            ["recent"] = recent,
        };
        if (own is { } tokens && model is not null)
        {
            var cost = model.Price(tokens);
            data["model"] = V2Database.ModelJson(model);
            data["cost"] = cost;
            data["tokens"] = TokensJson(tokens);
            var id = Row("compaction", data, at);
            AddTotals(tokens, cost, at);
            db.Ledger.Add(new Charge(Id, "compaction", id, at, model.Key, Agent, tokens, cost));
            return id;
        }
        return Row("compaction", data, at);
    }

    public void Idle(long at, string outcome = "succeeded")
    {
        Row("idle", new JsonObject { ["time"] = new JsonObject { ["created"] = at }, ["outcome"] = outcome }, at);
        if (IsV2)
            db.Execute("UPDATE session_v2 SET time_idle = $t, idle_outcome = $o, time_suspended = NULL WHERE id = $id",
                ("$t", at), ("$o", outcome), ("$id", Id));
    }

    /// <summary>A turn still claimed (time_suspended), as while a step streams.</summary>
    public void Suspend(long at)
    {
        if (IsV2) db.Execute("UPDATE session_v2 SET time_suspended = $t WHERE id = $id", ("$t", at), ("$id", Id));
    }

    public void Archive(long at) =>
        db.Execute($"UPDATE {Table} SET time_archived = $t, time_updated = $t WHERE id = $id", ("$t", at), ("$id", Id));

    /// <summary>A committed revert: every row from <paramref name="rowId"/>'s seq on is deleted; the totals stay.</summary>
    public void Revert(string rowId, long at)
    {
        var seq = SeqOf(rowId);
        foreach (var row in db.Rows("SELECT id FROM session_message WHERE session_id = $s AND seq >= $q", ("$s", Id), ("$q", seq)))
            db.Ledger.MarkReverted((string)row[0]!);
        db.RowCount -= db.Execute("DELETE FROM session_message WHERE session_id = $s AND seq >= $q", ("$s", Id), ("$q", seq));
        db.NextSeq(Id);
        Touch(at);
    }

    /// <summary>
    /// A fork: a new session (parent NULL, fork_session_id this one, fork_boundary, totals 0) holding copies of this
    /// session's settled rows up to <paramref name="boundaryRowId"/>: new ids msg_&lt;event suffix&gt;_&lt;seq&gt;, the same
    /// seq, time_created and byte-identical data. Copies are never billed.
    /// </summary>
    public V2Session Fork(string boundaryRowId, long at, string? title = null)
    {
        var info = db.Rows($"SELECT directory, title, model FROM {Table} WHERE id = $id", ("$id", Id))[0];
        var fork = db.Session(ProjectId, (string)info[0]!, at, agent: Agent, model: Model,
            title: title ?? info[1] + " (fork #1)");
        var boundary = new JsonObject { ["type"] = "message", ["messageID"] = boundaryRowId };
        db.Execute("UPDATE session_v2 SET fork_session_id = $src, fork_boundary = $b, model = $m WHERE id = $id",
            ("$src", Id), ("$b", boundary.ToJsonString()), ("$m", info[2]), ("$id", fork.Id));
        var suffix = db.Ids.Next("evt", at)[4..];
        long last = 0;
        foreach (var row in db.Rows("SELECT seq, type, time_created, time_updated, data FROM session_message " +
                                    "WHERE session_id = $s AND seq <= $q ORDER BY seq", ("$s", Id), ("$q", SeqOf(boundaryRowId))))
        {
            var (seq, type, data) = ((long)row[0]!, (string)row[1]!, (string)row[4]!);
            if (type == "assistant" && JsonNode.Parse(data)!["finish"] is null) continue; // not settled
            db.Execute("INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data) " +
                       "VALUES ($id, $s, $type, $seq, $tc, $tu, $data)",
                ("$id", $"msg_{suffix}_{seq}"), ("$s", fork.Id), ("$type", type), ("$seq", seq), ("$tc", row[2]), ("$tu", row[3]), ("$data", data));
            last = seq;
            db.RowCount++;
        }
        db.SetSeq(fork.Id, last);
        return fork;
    }

    public string LastRowId() =>
        (string)db.Scalar("SELECT id FROM session_message WHERE session_id = $s ORDER BY seq DESC LIMIT 1", ("$s", Id))!;

    public long SeqOf(string rowId) => (long)db.Scalar("SELECT seq FROM session_message WHERE id = $id", ("$id", rowId))!;

    string Row(string type, JsonObject data, long at)
    {
        var id = db.Ids.Next("msg", at);
        var seq = db.NextSeq(Id);
        db.Execute("INSERT INTO session_message (id, session_id, type, seq, time_created, time_updated, data) " +
                   "VALUES ($id, $s, $type, $seq, $t, $t, $data)",
            ("$id", id), ("$s", Id), ("$type", type), ("$seq", seq), ("$t", at), ("$data", data.ToJsonString()));
        db.RowCount++;
        Touch(at);
        return id;
    }

    void Rewrite(string rowId, JsonObject data, long at)
    {
        db.NextSeq(Id);
        db.Execute("UPDATE session_message SET data = $data, time_updated = $t WHERE id = $id",
            ("$data", data.ToJsonString()), ("$t", at), ("$id", rowId));
        Touch(at);
    }

    // The preview never fills its `session` row's totals nor moves its time_updated (seen in tests/data/v2/preview-1.18.18).
    void AddTotals(Tokens t, double cost, long at)
    {
        if (IsV2) AddV2Totals(t, cost, at);
    }

    void AddV2Totals(Tokens t, double cost, long at) =>
        db.Execute($"UPDATE {Table} SET cost = cost + $c, tokens_input = tokens_input + $i, tokens_output = tokens_output + $o, " +
                   "tokens_reasoning = tokens_reasoning + $r, tokens_cache_read = tokens_cache_read + $cr, " +
                   "tokens_cache_write = tokens_cache_write + $cw, time_updated = $t WHERE id = $id",
            ("$c", cost), ("$i", t.Input), ("$o", t.Output), ("$r", t.Reasoning), ("$cr", t.CacheRead), ("$cw", t.CacheWrite),
            ("$t", at), ("$id", Id));

    void Touch(long at)
    {
        if (IsV2) TouchV2(at);
    }

    void TouchV2(long at) => db.Execute($"UPDATE {Table} SET time_updated = $t WHERE id = $id", ("$t", at), ("$id", Id));

    static long StartTime(Step step) => (long)((JsonObject)step.Data["time"]!)["created"]!;

    internal static JsonObject TokensJson(Tokens t) => new()
    {
        ["input"] = t.Input,
        ["output"] = t.Output,
        ["reasoning"] = t.Reasoning,
        ["cache"] = new JsonObject { ["read"] = t.CacheRead, ["write"] = t.CacheWrite },
    };
}
