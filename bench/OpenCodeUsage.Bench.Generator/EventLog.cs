namespace OpenCodeUsage.Bench.Generator;

/// <summary>
/// Appends to OpenCode's <c>event</c> table what OpenCode publishes while it works: a snapshot of the
/// session, message or part after each change. The same message and part appear many times, which is why
/// a reader must never add up this table, and why it holds much of a real database's size.
/// </summary>
internal sealed class EventLog(Generation g)
{
    public void SessionCreated(SessionState s) =>
        Emit(s, s.Created, "session.created.1", SessionInfo(s, s.Created, summary: false));

    public void SessionUpdated(SessionState s, long time) =>
        Emit(s, time, "session.updated.1", SessionInfo(s, time, summary: true));

    /// <summary>A message snapshot: the stored data with the ids OpenCode leaves out of the row.</summary>
    public void MessageUpdated(SessionState s, long time, string messageId, string data) =>
        Emit(s, time, "message.updated.1",
            $"{{\"sessionID\":\"{s.Id}\",\"info\":{{\"id\":\"{messageId}\",\"sessionID\":\"{s.Id}\",{data.AsSpan(1)}}}");

    public void PartUpdated(SessionState s, long time, string messageId, string partId, string data) =>
        Emit(s, time, "message.part.updated.1",
            $"{{\"sessionID\":\"{s.Id}\",\"part\":{{\"id\":\"{partId}\",\"sessionID\":\"{s.Id}\",\"messageID\":\"{messageId}\",{data.AsSpan(1)},\"time\":{time}}}");

    private void Emit(SessionState s, long time, string type, string data)
    {
        s.EventSeq++;
        g.Db.Event(g.Ids.Event(time), s.Id, s.EventSeq, type, data);
    }

    private string SessionInfo(SessionState s, long updated, bool summary)
    {
        var t = s.Totals;
        var json = g.Json.Start().Str("sessionID", s.Id).Obj("info")
            .Str("id", s.Id).Str("slug", s.Slug).Str("projectID", s.Project.Id).Str("directory", s.Project.Directory).Str("path", "");
        if (s.ParentId is not null)
        {
            json.Str("parentID", s.ParentId);
        }

        if (summary)
        {
            json.Obj("summary").Num("additions", 0).Num("deletions", 0).Num("files", 0).Close();
        }

        json.Num("cost", (double)t.Cost)
            .Obj("tokens").Num("input", t.Input).Num("output", t.Output).Num("reasoning", t.Reasoning)
            .Obj("cache").Num("read", t.CacheRead).Num("write", t.CacheWrite).Close().Close()
            .Str("title", s.Title).Str("agent", s.Agent).Raw("model", s.ModelJson).Str("version", "1.18.33")
            .Obj("time").Num("created", s.Created).Num("updated", updated).Close();
        if (s.Permission is not null)
        {
            json.Raw("permission", s.Permission);
        }

        return json.Close().Close().ToString();
    }
}
