using System.Text;
using System.Text.RegularExpressions;

namespace OpenCodeSoak;

/// <summary>
/// What OpenCode prints or logs when SQLite made it wait too long or refused it. The SQLITE_BUSY and SQLITE_LOCKED
/// codes and their messages ("database is locked") are looked for, but OpenCode 1.18 shows neither: a write that
/// timed out on the lock ends the run with exit code 1 and either "Unexpected error" and "Failed query: …" on
/// stderr or a JSON error event "UnknownError … Unexpected server error" (seen with --hold-write-lock). Those
/// count too, and every run must exit 0 besides.
/// </summary>
internal static partial class DatabaseComplaints
{
    [GeneratedRegex(@"SQLITE_BUSY|SQLITE_LOCKED|database (table )?is locked|database is busy|\bEBUSY\b|Failed query|Unexpected (server )?error|""type"":""error""",
        RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool IsComplaint(string line) => Pattern().IsMatch(line);

    /// <summary>What OpenCode logged at level ERROR, whatever the cause: reported, so a reader can judge.</summary>
    public static bool IsLoggedError(string line) => line.Contains("level=ERROR", StringComparison.Ordinal);

    public static IEnumerable<string> Find(string text) =>
        text.Split('\n').Where(IsComplaint).Select(line => line.Length > 300 ? line[..300] : line);

    /// <summary>
    /// Lines OpenCode appended to its log files (&lt;data dir&gt;/log/*.log; every process appends to the same
    /// opencode.log) since the last call: each phase reads what was logged during it.
    /// </summary>
    public static List<string> NewLogLines(string dataDirectory, IDictionary<string, long> readUpTo)
    {
        var lines = new List<string>();
        var logs = Path.Combine(dataDirectory, "log");
        if (!Directory.Exists(logs))
        {
            return lines;
        }

        foreach (var file in Directory.EnumerateFiles(logs).Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // A log that shrank was started anew: read it from the beginning.
            var from = readUpTo.TryGetValue(file, out var offset) && offset <= stream.Length ? offset : 0;
            stream.Position = from;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var text = reader.ReadToEnd();
            readUpTo[file] = from + Encoding.UTF8.GetByteCount(text);
            lines.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => Path.GetFileName(file) + ": " + line));
        }

        return lines;
    }
}
