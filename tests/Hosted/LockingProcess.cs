using System.Diagnostics;

namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// Another process holding a database locked, as a crashed or busy tool would: Python's sqlite3 module in a child
/// process (this test process has no SQLite of its own, like a plain pwsh). Released on dispose.
/// </summary>
internal sealed class LockingProcess : IDisposable
{
    private readonly Process _process;

    private LockingProcess(Process process) => _process = process;

    public static string? Python { get; } = FindPython();

    /// <summary>Opens <paramref name="database"/> in <paramref name="journalMode"/>, runs <paramref name="sql"/> inside BEGIN EXCLUSIVE and holds it.</summary>
    public static LockingProcess Hold(string database, string journalMode, string sql)
    {
        var start = new ProcessStartInfo(Python!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute("PRAGMA journal_mode=" + sys.argv[2])
            db.execute("BEGIN EXCLUSIVE")
            for statement in sys.argv[3].split(";"):
                if statement.strip():
                    db.execute(statement)
            print("locked", flush=True)
            sys.stdin.read()
            db.execute("ROLLBACK")
            """);
        start.ArgumentList.Add(database);
        start.ArgumentList.Add(journalMode);
        start.ArgumentList.Add(sql);
        var process = Process.Start(start)!;
        var line = process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
        Assert.Equal("locked", line);
        return new LockingProcess(process);
    }

    public void Dispose()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill();
        }

        _process.Dispose();
    }

    private static string? FindPython() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .SelectMany(dir => new[] { "python3", "python3.exe", "python.exe" }.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists);
}
