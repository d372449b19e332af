using System.Diagnostics;

namespace OpenCodeSoak;

/// <summary>
/// The negative control of the busy/locked check: an sqlite3 process that takes the write lock and keeps it longer
/// than OpenCode's busy_timeout (5 s), as a reader that wrote would. OpenCode's writers then fail with
/// SQLITE_BUSY, and the soak must see it. Off unless asked for (bench/soak's --hold-write-lock).
/// </summary>
internal static class WriteLockHold
{
    public static async Task RunAsync(string database, TimeSpan after, TimeSpan hold, CancellationToken ct)
    {
        await Task.Delay(after, ct);
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(database);
        using var sqlite = Process.Start(start) ?? throw new InvalidOperationException("could not start sqlite3");
        await sqlite.StandardInput.WriteAsync(".timeout 60000\nBEGIN IMMEDIATE;\nSELECT 'locked';\n");
        await sqlite.StandardInput.FlushAsync(ct);
        await sqlite.StandardOutput.ReadLineAsync(ct); // the write lock is now held
        await Task.Delay(hold, ct);
        await sqlite.StandardInput.WriteAsync("ROLLBACK;\n.quit\n");
        sqlite.StandardInput.Close();
        await sqlite.WaitForExitAsync(ct);
    }
}
