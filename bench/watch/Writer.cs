using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OpenCodeUsage.Bench.Watch;

/// <summary>
/// Writes turns into a copy of a real OpenCode 1.18.33 database the way OpenCode does: one connection kept open
/// in WAL mode, an assistant message begun, a step-start, a step-finish, the message completed. It records the
/// moment each step-finish was committed (wall clock). It runs in a process of its own, as OpenCode does: two
/// SQLite libraries in one process (ours and the module's) would break each other's POSIX locks.
/// </summary>
internal sealed class Writer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly string[] _sessions;
    private int _turn;

    public Writer(string database, int sessions)
    {
        _connection = new SqliteConnection($"Data Source={database};Pooling=False");
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        var project = Scalar("SELECT id FROM project LIMIT 1");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        _sessions = Enumerable.Range(0, sessions).Select(i => $"ses_bench{i:D4}").ToArray();
        foreach (var session in _sessions)
        {
            Execute($"INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated) VALUES ('{session}', '{project}', 's', '/home/dev/projects/alpha', 'Bench {session}', '1.18.33', {now}, {now})");
        }
    }

    /// <summary>Writes turns at <paramref name="rate"/> per second for <paramref name="duration"/>, printing "part-id TAB commit-time" lines.</summary>
    public static void Run(string database, int sessions, double rate, TimeSpan duration)
    {
        using var writer = new Writer(database, sessions);
        Console.WriteLine("ready");
        Thread.Sleep(3000); // the watch starts meanwhile
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / rate);
        while (clock.Elapsed < duration)
        {
            var next = clock.Elapsed + interval;
            var (part, committed) = writer.Turn();
            Console.WriteLine($"{part}\t{committed.ToUnixTimeMilliseconds() * 1000 + committed.Ticks % 10000 / 10}");
            var left = next - clock.Elapsed;
            if (left > TimeSpan.Zero)
            {
                Thread.Sleep(left);
            }
        }

        Console.WriteLine("done");
    }

    private (string Part, DateTimeOffset Committed) Turn()
    {
        var n = Interlocked.Increment(ref _turn);
        var session = _sessions[n % _sessions.Length];
        var message = $"msg_bench{n:D8}";
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Execute($"INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('{message}', '{session}', {now}, {now}, '{{\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"mock-fast\",\"providerID\":\"mock\",\"time\":{{\"created\":{now}}}}}')");
        Execute($"INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_bench{n:D8}a', '{message}', '{session}', {now}, {now}, '{{\"type\":\"step-start\"}}')");
        Thread.Sleep(20);
        var part = $"prt_bench{n:D8}b";
        now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Execute($"INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('{part}', '{message}', '{session}', {now}, {now}, '{{\"type\":\"step-finish\",\"reason\":\"stop\",\"tokens\":{{\"total\":1020,\"input\":1000,\"output\":20,\"reasoning\":0,\"cache\":{{\"read\":0,\"write\":0}}}},\"cost\":0.001}}')");
        var committed = DateTimeOffset.UtcNow;

        Execute($"UPDATE message SET time_updated = {now + 1}, data = '{{\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"mock-fast\",\"providerID\":\"mock\",\"cost\":0.001,\"tokens\":{{\"input\":1000,\"output\":20,\"reasoning\":0,\"cache\":{{\"read\":0,\"write\":0}}}},\"time\":{{\"created\":{now},\"completed\":{now + 1}}},\"finish\":\"stop\"}}' WHERE id = '{message}'");
        return (part, committed);
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private string Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!;
    }

    public void Dispose() => _connection.Dispose();
}
