using System.Text.Json.Nodes;

namespace OpenCodeV2Data;

/// <summary>
/// The native 2.x scenario: sessions only 2.x wrote, over five days (2026-11-23 to 11-27 UTC) so that -GroupBy Day
/// splits them, in two projects, with every case issue 13 names: several steps per turn, tool calls, a subagent, a
/// fork and a fork of the fork, a compaction row with its own usage, a compaction request without a row, title usage,
/// a revert, a step still streaming, an archived session, and credentials (key and oauth, several accounts per
/// integration, one active).
/// </summary>
public static class NativeScenario
{
    public const string AlphaProject = "4b1dc0ffee5eed00d15ea5e0fa11ab1e00c0ffee";
    public const string AlphaDir = "/home/dev/projects/alpha";
    public const string GlobalDir = "/home/dev/scratch";

    /// <summary>Milliseconds of day <paramref name="day"/> (0 = 2026-11-23) at hh:mm:ss UTC.</summary>
    public static long T(int day, int hour, int minute, int second = 0) =>
        new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero).AddDays(day).AddHours(hour).AddMinutes(minute)
            .AddSeconds(second).ToUnixTimeMilliseconds();

    static JsonObject Input(params (string Key, string Value)[] pairs)
    {
        var json = new JsonObject();
        foreach (var (key, value) in pairs) json[key] = value;
        return json;
    }

    /// <summary>Writes the scenario into <paramref name="db"/> (sessions in session_v2, or `session` for the preview).</summary>
    public static void Write(V2Database db, bool preview = false)
    {
        db.Project(AlphaProject, AlphaDir, T(0, 8, 0));
        db.Project("global", "/", T(0, 8, 0), vcs: null);

        // 1. Two turns on two days, several steps each, tools, a model switch; title usage; forked twice later.
        var s1 = db.Session(AlphaProject, AlphaDir, T(0, 9, 0), model: Model.Sonnet);
        s1.User("Refactor the tokenizer into its own module", T(0, 9, 0, 1));
        var step = s1.StartStep(Model.Sonnet, T(0, 9, 0, 2)).Reasoning("Look at the parser first.");
        s1.Stream(step, T(0, 9, 0, 3));
        step.Tool("call_read_1", "read", Input(("filePath", AlphaDir + "/src/parser.ts")), "export function parse() {}", T(0, 9, 0, 4))
            .Tool("call_bash_1", "bash", Input(("command", "npm test")), "12 passing", T(0, 9, 0, 5));
        s1.EndStep(step, new Tokens(1200, 80, 40, 0, 900), T(0, 9, 0, 7), "tool-calls");
        if (!preview) s1.Title("Refactor the tokenizer", Model.Fast, new Tokens(310, 12, 0, 0, 0), T(0, 9, 0, 8));
        step = s1.StartStep(Model.Sonnet, T(0, 9, 0, 9)).Text("Moved the tokenizer to src/tokenizer.ts.");
        s1.EndStep(step, new Tokens(150, 60, 0, 2000, 120), T(0, 9, 0, 12));
        s1.Idle(T(0, 9, 0, 13));
        var turnOneEnd = LastRow(db, s1.Id);
        s1.ModelSwitched(Model.Reason, T(1, 15, 0));
        s1.User("Now make it stream", T(1, 15, 0, 1));
        step = s1.StartStep(Model.Reason, T(1, 15, 0, 2)).Reasoning("Streaming needs an async iterator.");
        step.Tool("call_edit_1", "edit", Input(("filePath", AlphaDir + "/src/tokenizer.ts")), "edited", T(1, 15, 0, 6));
        s1.EndStep(step, new Tokens(800, 200, 320, 2100, 0), T(1, 15, 0, 20), "tool-calls");
        step = s1.StartStep(Model.Reason, T(1, 15, 0, 21)).Text("The tokenizer streams now.");
        s1.EndStep(step, new Tokens(90, 45, 15, 2900, 0), T(1, 15, 0, 25));
        s1.Idle(T(1, 15, 0, 26));

        // 2. A subagent: tool `subagent` in the parent's content, a child session with parent_id and its own usage.
        var s2 = db.Session(AlphaProject, AlphaDir, T(1, 20, 30), model: Model.Sonnet);
        s2.User("Audit the dependencies with a subagent", T(1, 20, 30, 1));
        step = s2.StartStep(Model.Sonnet, T(1, 20, 30, 2)).Text("Delegating the audit.");
        var child = db.Session(AlphaProject, AlphaDir, T(1, 20, 30, 4), parentId: s2.Id, agent: "general", model: Model.Fast,
            title: "Audit the dependencies (@general subagent)");
        child.User("List outdated dependencies and their risk", T(1, 20, 30, 4));
        var c1 = child.StartStep(Model.Fast, T(1, 20, 30, 5)).Tool("call_grep_1", "grep", Input(("pattern", "\"version\"")), "14 matches", T(1, 20, 30, 6));
        child.EndStep(c1, new Tokens(2400, 35, 0, 0, 0), T(1, 20, 30, 8), "tool-calls");
        var c2 = child.StartStep(Model.Fast, T(1, 20, 30, 9)).Text("Three packages are outdated; one has a CVE.");
        child.EndStep(c2, new Tokens(300, 70, 0, 2400, 0), T(1, 20, 30, 12));
        child.Idle(T(1, 20, 30, 13));
        step.Tool("call_sub_1", "subagent", Input(("agent", "general"), ("description", "Audit dependencies"),
                ("prompt", "List outdated dependencies and their risk")), "Three packages are outdated; one has a CVE.",
            T(1, 20, 30, 3), new JsonObject { ["sessionID"] = child.Id });
        s2.EndStep(step, new Tokens(1500, 40, 0, 0, 1400), T(1, 20, 30, 14), "tool-calls");
        if (!preview) s2.Title("Audit the dependencies", Model.Fast, new Tokens(280, 9, 0, 0, 0), T(1, 20, 30, 15));
        step = s2.StartStep(Model.Sonnet, T(1, 20, 30, 16)).Text("Upgrade left-pad first: it has the CVE.");
        s2.EndStep(step, new Tokens(210, 55, 0, 1400, 230), T(1, 20, 30, 19));
        s2.Idle(T(1, 20, 30, 20));

        if (!preview)
        {
            // 3. Forks of session 1: the first turn copied, one own step; then a fork of the fork.
            var f1 = s1.Fork(turnOneEnd, T(2, 10, 0));
            f1.User("Instead, split it in two files", T(2, 10, 0, 1));
            step = f1.StartStep(Model.Fast, T(2, 10, 0, 2)).Text("Split into lexer.ts and tokens.ts.");
            f1.EndStep(step, new Tokens(400, 30, 0, 2500, 0), T(2, 10, 0, 5));
            f1.Idle(T(2, 10, 0, 6));
            var f2 = f1.Fork(LastRow(db, f1.Id), T(2, 11, 0), "Refactor the tokenizer (fork #1) (fork #1)");
            f2.User("And add tests", T(2, 11, 0, 1));
            step = f2.StartStep(Model.Sonnet, T(2, 11, 0, 2)).Tool("call_write_1", "write", Input(("filePath", AlphaDir + "/test/lexer.test.ts")), "written", T(2, 11, 0, 3));
            f2.EndStep(step, new Tokens(520, 140, 0, 2600, 300), T(2, 11, 0, 9));
            f2.Idle(T(2, 11, 0, 10));

            // 4. A long session across UTC midnight with an automatic compaction whose row carries its own usage.
            var s3 = db.Session("global", GlobalDir, T(2, 23, 40), model: Model.Opus);
            s3.User("Write the migration plan", T(2, 23, 40, 1));
            string last = "";
            for (var i = 0; i < 3; i++)
            {
                step = s3.StartStep(Model.Opus, T(2, 23, 41 + 6 * i)).Text("Plan part " + (i + 1));
                s3.EndStep(step, new Tokens(3000 + 500 * i, 400 + 10 * i, 0, 12000 * i, 800), T(2, 23, 44 + 6 * i), i < 2 ? "tool-calls" : "stop");
                last = step.Id;
            }
            s3.Title("Migration plan", Model.Fast, new Tokens(500, 8, 0, 0, 0), T(2, 23, 59, 30));
            s3.Compaction(T(3, 0, 5), last, "The plan has three parts.", Model.Opus, new Tokens(26000, 900, 0, 0, 0));
            step = s3.StartStep(Model.Opus, T(3, 0, 6)).Text("Part four: rollback.");
            s3.EndStep(step, new Tokens(1400, 260, 0, 0, 1500), T(3, 0, 9));
            s3.Idle(T(3, 0, 10));

            // 5. A manual compaction whose request usage no row carries (the row has none).
            var s4 = db.Session(AlphaProject, AlphaDir, T(3, 14, 0), model: Model.Reason);
            s4.User("Summarise the open issues", T(3, 14, 0, 1));
            step = s4.StartStep(Model.Reason, T(3, 14, 0, 2)).Reasoning("Group by label.").Text("Eight open issues.");
            s4.EndStep(step, new Tokens(4200, 300, 600, 0, 0), T(3, 14, 0, 30));
            s4.Title("Open issues", Model.Fast, new Tokens(290, 7, 0, 0, 0), T(3, 14, 0, 31));
            s4.Usage("compaction", Model.Reason, new Tokens(5200, 410, 0, 0, 0), T(3, 14, 5));
            s4.Compaction(T(3, 14, 5, 10), step.Id, "Eight open issues, grouped by label.");
            step = s4.StartStep(Model.Reason, T(3, 14, 6)).Text("Issue 4 is the oldest.");
            s4.EndStep(step, new Tokens(700, 40, 80, 0, 0), T(3, 14, 6, 9));
            s4.Idle(T(3, 14, 6, 10));

            // 6. A revert: turn two's rows deleted, its money spent (the totals keep it); a third turn after.
            var s5 = db.Session(AlphaProject, AlphaDir, T(3, 18, 0), model: Model.Fast);
            s5.User("Rename the config keys", T(3, 18, 0, 1));
            step = s5.StartStep(Model.Fast, T(3, 18, 0, 2)).Tool("call_edit_2", "edit", Input(("filePath", AlphaDir + "/config.json")), "edited", T(3, 18, 0, 3));
            s5.EndStep(step, new Tokens(1800, 50, 0, 0, 0), T(3, 18, 0, 6), "tool-calls");
            step = s5.StartStep(Model.Fast, T(3, 18, 0, 7)).Text("Renamed.");
            s5.EndStep(step, new Tokens(120, 20, 0, 1800, 0), T(3, 18, 0, 9));
            s5.Idle(T(3, 18, 0, 10));
            var undone = s5.User("Also rename the env vars", T(3, 18, 10));
            step = s5.StartStep(Model.Reason, T(3, 18, 10, 1)).Reasoning("Env vars are read in three places.");
            s5.EndStep(step, new Tokens(2100, 130, 210, 0, 0), T(3, 18, 10, 15), "tool-calls");
            step = s5.StartStep(Model.Reason, T(3, 18, 10, 16)).Text("Renamed the env vars.");
            s5.EndStep(step, new Tokens(160, 30, 20, 2100, 0), T(3, 18, 10, 20));
            s5.Idle(T(3, 18, 10, 21));
            s5.Revert(undone, T(3, 18, 30));
            s5.User("Only document the env vars", T(3, 18, 31));
            step = s5.StartStep(Model.Fast, T(3, 18, 31, 1)).Text("Documented in README.");
            s5.EndStep(step, new Tokens(900, 35, 0, 1900, 0), T(3, 18, 31, 4));
            s5.Idle(T(3, 18, 31, 5));
            s5.Title("Rename the config keys", Model.Fast, new Tokens(260, 8, 0, 0, 0), T(3, 18, 31, 6));

            // 7. An archived session.
            var s7 = db.Session("global", GlobalDir, T(0, 12, 0), model: Model.Fast);
            s7.User("hello", T(0, 12, 0, 1));
            step = s7.StartStep(Model.Fast, T(0, 12, 0, 2)).Text("Hello!");
            s7.EndStep(step, new Tokens(700, 5, 0, 0, 0), T(0, 12, 0, 3));
            s7.Idle(T(0, 12, 0, 4));
            s7.Title("Greeting", Model.Fast, new Tokens(200, 3, 0, 0, 0), T(0, 12, 0, 5));
            s7.Archive(T(4, 9, 0));
        }

        if (!preview)
        {
            // 9. Before dawn UTC (the evening before in Los Angeles): an agent switch, rows without usage (system,
            // shell, synthetic), a step that failed after it was billed (finish "error" with tokens) and a "length" stop.
            var s9 = db.Session(AlphaProject, AlphaDir, T(4, 5, 0), model: Model.Smart);
            s9.User("Plan the release", T(4, 5, 0, 1));
            s9.AgentSwitched("plan", T(4, 5, 0, 2));
            s9.System("You are in plan mode.", T(4, 5, 0, 3));
            step = s9.StartStep(Model.Smart, T(4, 5, 0, 4), agent: "plan").Text("Step one: freeze.");
            s9.EndStep(step, new Tokens(2600, 120, 0, 0, 0), T(4, 5, 0, 9), "error", error: "Provider returned 500 after streaming");
            step = s9.StartStep(Model.Smart, T(4, 5, 0, 10), agent: "plan").Text("Step one: freeze the branch, then");
            s9.EndStep(step, new Tokens(2700, 4096, 0, 2600, 0), T(4, 5, 1, 30), "length");
            s9.Shell("git tag --list", "v1.0.0", T(4, 5, 2));
            s9.Synthetic("The background build finished.", T(4, 5, 3));
            s9.Idle(T(4, 5, 3, 1));
            s9.Title("Release plan", Model.Fast, new Tokens(230, 5, 0, 0, 0), T(4, 5, 3, 2));
        }

        // 8. A step still streaming: its row has content but no tokens and no finish; the turn is claimed.
        var s6 = db.Session(AlphaProject, AlphaDir, T(4, 8, 0), model: Model.Sonnet);
        s6.User("Explain the build", T(4, 8, 0, 1));
        step = s6.StartStep(Model.Sonnet, T(4, 8, 0, 2)).Text("The build has two stages.");
        s6.EndStep(step, new Tokens(1100, 90, 0, 0, 1000), T(4, 8, 0, 6));
        s6.Idle(T(4, 8, 0, 7));
        if (!preview) s6.Title("Explain the build", Model.Fast, new Tokens(240, 6, 0, 0, 0), T(4, 8, 0, 8));
        s6.User("And the release?", T(4, 8, 5));
        s6.Suspend(T(4, 8, 5));
        step = s6.StartStep(Model.Sonnet, T(4, 8, 5, 1)).Text("The release runs");
        s6.Stream(step, T(4, 8, 5, 2));
    }

    /// <summary>Credentials as 2.x keeps them: key and oauth values, several accounts per integration, one active.</summary>
    public static void WriteCredentials(V2Database db)
    {
        db.Credential("anthropic", "Work", new JsonObject { ["type"] = "key", ["key"] = V2Secrets.AnthropicWork }, "api", true, T(0, 8, 1));
        db.Credential("anthropic", "Personal", new JsonObject { ["type"] = "key", ["key"] = V2Secrets.AnthropicPersonal }, "api", false, T(0, 8, 2));
        db.Credential("openai", "ChatGPT Plus", new JsonObject
        {
            ["type"] = "oauth", ["methodID"] = "chatgpt", ["refresh"] = V2Secrets.OpenAiRefresh, ["access"] = V2Secrets.OpenAiAccess,
            ["expires"] = T(5, 0, 0),
        }, "chatgpt", true, T(0, 8, 3));
        db.Credential("openai", "ChatGPT Team", new JsonObject
        {
            ["type"] = "oauth", ["methodID"] = "chatgpt", ["refresh"] = V2Secrets.OpenAiTeamRefresh, ["access"] = V2Secrets.OpenAiTeamAccess,
            ["expires"] = T(1, 0, 0),
        }, "chatgpt", false, T(0, 8, 4));
        // Imported once from auth.json (which still holds the same key): must be listed once.
        db.Credential("mockant", "auth.json", new JsonObject { ["type"] = "key", ["key"] = V2Secrets.ImportedFromAuthJson }, "api", true, T(0, 8, 5));
    }

    /// <summary>The auth.json beside the database, holding the key 2.x imported into `credential`.</summary>
    public static string AuthJson =>
        "{\n  \"mockant\": {\n    \"type\": \"api\",\n    \"key\": \"" + V2Secrets.ImportedFromAuthJson + "\"\n  }\n}\n";

    static string LastRow(V2Database db, string sessionId) =>
        (string)db.Scalar("SELECT id FROM session_message WHERE session_id = $s ORDER BY seq DESC LIMIT 1", ("$s", sessionId))!;
}

/// <summary>Made-up, distinctive secrets of the generated credentials: no output stream may carry them unmasked.</summary>
public static class V2Secrets
{
    public const string AnthropicWork = "sk-ocu-v2-anthropic-work-K3jH5gF7dS9a";
    public const string AnthropicPersonal = "sk-ocu-v2-anthropic-home-P1oI3uY5tR7e";
    public const string OpenAiAccess = "ocu-v2-oauth-access-Z2xC4vB6nM8q";
    public const string OpenAiRefresh = "ocu-v2-oauth-refresh-W1eR3tY5uI7o";
    public const string OpenAiTeamAccess = "ocu-v2-oauth-team-access-A9sD7fG5hJ3k";
    public const string OpenAiTeamRefresh = "ocu-v2-oauth-team-refresh-L2kJ4hG6fD8s";
    public const string ImportedFromAuthJson = "sk-ocu-v2-mockant-imported-Q5wE7rT9yU1i";

    public static IReadOnlyList<string> All { get; } =
        [AnthropicWork, AnthropicPersonal, OpenAiAccess, OpenAiRefresh, OpenAiTeamAccess, OpenAiTeamRefresh, ImportedFromAuthJson];
}
