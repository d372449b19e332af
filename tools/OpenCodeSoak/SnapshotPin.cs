using System.Diagnostics;

namespace OpenCodeSoak;

/// <summary>
/// The negative control of the -wal check: an sqlite3 process that opens one read transaction and holds it, as a
/// careless reader would. No checkpoint can then start the -wal over, so it grows with everything written, and
/// the soak must fail. Off unless asked for (bench/soak's --pin-snapshot).
/// </summary>
internal sealed class SnapshotPin : IDisposable
{
    private readonly Process _sqlite;

    public SnapshotPin(string database)
    {
        var start = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-readonly");
        start.ArgumentList.Add(database);
        _sqlite = Process.Start(start) ?? throw new InvalidOperationException("could not start sqlite3");
        _sqlite.StandardInput.Write("BEGIN;\nSELECT count(*) FROM message;\n");
        _sqlite.StandardInput.Flush();
        _sqlite.StandardOutput.ReadLine(); // the count: the snapshot is now held
    }

    public void Dispose()
    {
        _sqlite.StandardInput.Write("COMMIT;\n.quit\n");
        _sqlite.StandardInput.Close();
        if (!_sqlite.WaitForExit(10_000))
        {
            _sqlite.Kill();
        }

        _sqlite.Dispose();
    }
}
