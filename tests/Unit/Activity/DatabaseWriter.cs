using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Tests.Activity;

/// <summary>
/// Writes rows into a copy of a real database the way OpenCode 1.18 does: one connection kept open in WAL mode,
/// a session row, a user message, an assistant message begun and then completed, parts inserted and updated in
/// place. Shapes copied from real rows.
/// </summary>
internal sealed class DatabaseWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private int _counter;

    public DatabaseWriter(string database)
    {
        _connection = new SqliteConnection($"Data Source={database};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        ProjectId = Scalar("SELECT id FROM project WHERE worktree LIKE '%alpha' LIMIT 1");
    }

    public string ProjectId { get; }

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string Id(string prefix) => $"{prefix}_zz{Interlocked.Increment(ref _counter):D6}{Guid.NewGuid():N}"[..30];

    public string NewSession(string title, long? created = null)
    {
        var id = Id("ses");
        var time = created ?? Now;
        Execute($"""
            INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated)
            VALUES ('{id}', '{ProjectId}', 'slug', '/home/dev/projects/alpha', '{title}', '1.18.33', {time}, {time})
            """);
        return id;
    }

    public string Message(string sessionId, string json, long? created = null)
    {
        var id = Id("msg");
        var time = created ?? Now;
        Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('{id}', '{sessionId}', {time}, {time}, '{json.Replace("'", "''")}')");
        return id;
    }

    public string AssistantStarted(string sessionId, string userMessageId) => Message(sessionId,
        $$$"""{"parentID":"{{{userMessageId}}}","role":"assistant","mode":"build","agent":"build","path":{"cwd":"/home/dev/projects/alpha","root":"/home/dev/projects/alpha"},"cost":0,"tokens":{"input":0,"output":0,"reasoning":0,"cache":{"read":0,"write":0}},"modelID":"mock-fast","providerID":"mock","time":{"created":{{{Now}}}}}""");

    public void AssistantCompleted(string messageId, long input, long output, double cost)
    {
        var now = Now;
        var json = $$$"""{"role":"assistant","mode":"build","agent":"build","cost":{{{cost.ToString(CultureInfo.InvariantCulture)}}},"tokens":{"total":{{{input + output}}},"input":{{{input}}},"output":{{{output}}},"reasoning":0,"cache":{"read":0,"write":0}},"modelID":"mock-fast","providerID":"mock","time":{"created":{{{now - 50}}},"completed":{{{now}}}},"finish":"stop"}""";
        Execute($"UPDATE message SET data = '{json}', time_updated = {now} WHERE id = '{messageId}'");
    }

    public string Part(string sessionId, string messageId, string json)
    {
        var id = Id("prt");
        var now = Now;
        Execute($"INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('{id}', '{messageId}', '{sessionId}', {now}, {now}, '{json.Replace("'", "''")}')");
        return id;
    }

    public void UpdatePart(string partId, string json) =>
        Execute($"UPDATE part SET data = '{json.Replace("'", "''")}', time_updated = {Now} WHERE id = '{partId}'");

    public string StepFinish(string sessionId, string messageId, long input, long output, double cost) => Part(sessionId, messageId,
        $$$"""{"reason":"stop","snapshot":"1317dcfa","type":"step-finish","tokens":{"total":{{{input + output}}},"input":{{{input}}},"output":{{{output}}},"reasoning":0,"cache":{"write":0,"read":0}},"cost":{{{cost.ToString(CultureInfo.InvariantCulture)}}}}""");

    public static string Tool(string status, string callId = "call_1")
    {
        var end = status is "completed" or "error" ? $",\"end\":{Now}" : "";
        var error = status == "error" ? ",\"error\":\"boom\"" : "";
        return "{\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"" + callId + "\",\"state\":{\"status\":\"" + status
               + "\",\"input\":{\"command\":\"ls\"},\"title\":\"List files\",\"time\":{\"start\":" + Now + end + "}" + error + "}}";
    }

    /// <summary>One whole turn: prompt, answer begun, a step with a tool, the step's finish, the answer completed.</summary>
    public (string User, string Assistant, string StepFinish) Turn(string sessionId, long input, long output, double cost)
    {
        var user = Message(sessionId, """{"role":"user","time":{"created":1},"agent":"build","model":{"providerID":"mock","modelID":"mock-fast"}}""");
        Part(sessionId, user, """{"type":"text","text":"please work"}""");
        var assistant = AssistantStarted(sessionId, user);
        Part(sessionId, assistant, """{"snapshot":"1317dcfa","type":"step-start"}""");
        var tool = Part(sessionId, assistant, Tool("running"));
        UpdatePart(tool, Tool("completed"));
        var finish = StepFinish(sessionId, assistant, input, output, cost);
        AssistantCompleted(assistant, input, output, cost);
        return (user, assistant, finish);
    }

    public void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public string Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    public void Dispose() => _connection.Dispose();
}
