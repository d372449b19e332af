using System.Diagnostics;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>Writes into a copied OpenCode 1.18 database with the sqlite3 CLI, the way OpenCode itself writes.</summary>
internal static class OpenCodeWrites
{
    /// <summary>A new session in the alpha project with one finished mock/mock-fast step costing 0.5.</summary>
    public static void Turn(string database, string session, long input = 1000, long output = 20)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var done = $"\"time\":{{\"created\":{now},\"completed\":{now + 1}}}";
        var usage = $"\"tokens\":{{\"input\":{input},\"output\":{output},\"reasoning\":0,\"cache\":{{\"read\":0,\"write\":0}}}}";
        var sql =
            "PRAGMA busy_timeout = 5000;\n" +
            $"INSERT INTO session (id, project_id, slug, directory, title, version, time_created, time_updated) SELECT '{session}', id, 'slug', worktree, 'Hosted watch', '1.18.33', {now}, {now} FROM project WHERE worktree LIKE '%alpha';\n" +
            $"INSERT INTO message (id, session_id, time_created, time_updated, data) VALUES ('msg_{session}', '{session}', {now}, {now}, '{{\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"mock-fast\",\"providerID\":\"mock\",\"time\":{{\"created\":{now}}}}}');\n" +
            $"INSERT INTO part (id, message_id, session_id, time_created, time_updated, data) VALUES ('prt_{session}', 'msg_{session}', '{session}', {now}, {now}, '{{\"type\":\"step-finish\",\"reason\":\"stop\",{usage},\"cost\":0.5}}');\n" +
            $"UPDATE message SET time_updated = {now + 1}, data = '{{\"role\":\"assistant\",\"agent\":\"build\",\"modelID\":\"mock-fast\",\"providerID\":\"mock\",\"cost\":0.5,{usage},{done},\"finish\":\"stop\"}}' WHERE id = 'msg_{session}';\n";
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardError = true };
        start.ArgumentList.Add(database);
        using var process = Process.Start(start)!;
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
    }
}
