using SQLitePCL;

namespace OpenCodeUsage.Storage;

/// <summary>
/// SQLite's process-wide settings, made once before the module's first connection. The native library is the
/// module's own copy (its load context), so nothing else in the process shares these settings.
/// </summary>
internal static class SqliteProcessSettings
{
    // SQLite answers SQLITE_MISUSE where it had started before this (nothing changes then); either way, once.
    private static readonly Lazy<int> Applied = new(Apply, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureApplied() => _ = Applied.Value;

    private static int Apply()
    {
        Batteries_V2.Init();
        // Memory statistics make every allocation inside SQLite take one process-wide mutex, which the parallel
        // scan's readers then queue on; nothing here reads the statistics. Stepping through a message table costs
        // about a third less CPU without them.
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
    }
}
