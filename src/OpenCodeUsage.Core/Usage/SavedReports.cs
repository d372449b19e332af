using OpenCodeUsage.IO;
using System.Security.Cryptography;
using System.Text;

namespace OpenCodeUsage.Usage;

/// <summary>
/// The summary memo's entries kept on disk beside the digests, so a new process (a scheduled script, a new
/// shell) asking what the last one asked, of unchanged files, is answered without reading them. The keys
/// carry every file's stamp, so a changed file never matches; the file names the module build that wrote it,
/// and any other build, a damaged file or one of another shape is ignored and replaced. The file is owner-only and
/// begins with an HMAC of the rest under the user's <see cref="MacKey"/>: one changed by anyone else, or that another
/// user owns or may write, is ignored the same way. Each entry's rows stay bytes until its key is asked for
/// (<see cref="SavedReportLayout"/>): finding that a question was never asked reads no row.
/// </summary>
internal static class SavedReports
{
    /// <summary>Large reports (a row per session of a big database) are cheaper to recompute than to parse.</summary>
    public const int MaxRows = 5_000;

    internal const string FileName = "reports.bin";
    private const string FormerFileName = "reports.json"; // this module's JSON form of the same, before reports.bin
    private static readonly byte[] Magic = "OCUREPTS"u8.ToArray();
    private static readonly string Build = typeof(SavedReports).Assembly.ManifestModule.ModuleVersionId.ToString("N");
    private static readonly object Gate = new();
    private static string? s_loadedFrom;
    private static List<SavedEntry> s_entries = [];
    private static Task s_saving = Task.CompletedTask;

    static SavedReports()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush(TimeSpan.FromSeconds(5));
    }

    public static SavedReport? Find(string directory, string key)
    {
        lock (Gate)
        {
            EnsureLoaded(directory);
            var entry = s_entries.FirstOrDefault(e => e.Key == key);
            if (entry is null || entry.Report is not null)
            {
                return entry?.Report;
            }

            try
            {
                return entry.Report = SavedReportLayout.ReadBody(key, entry.Body);
            }
            catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException or ArgumentException or OverflowException)
            {
                // Signed by this build yet unreadable cannot happen short of a bug: answer afresh, and replace it then.
                // A new list, never a change to this one: a save in the background may be writing it out.
                s_entries = s_entries.Where(e => e != entry).ToList();
                return null;
            }
        }
    }

    public static void Keep(string directory, SavedReport report, int capacity)
    {
        if (report.Rows.Count > MaxRows)
        {
            return;
        }

        var entry = new SavedEntry(report.Key, SavedReportLayout.WriteBody(report)) { Report = report };
        List<SavedEntry> snapshot;
        lock (Gate)
        {
            EnsureLoaded(directory);
            s_entries = [entry, .. s_entries.Where(e => e.Key != report.Key).Take(capacity - 1)];
            snapshot = s_entries;
            if (!s_saving.IsCompleted)
            {
                s_saving = s_saving.ContinueWith(_ => Save(directory, snapshot), TaskScheduler.Default);
                return;
            }

            s_saving = Task.Run(() => Save(directory, snapshot));
        }
    }

    /// <summary>Waits for a save still being written.</summary>
    public static void Flush(TimeSpan? timeout = null)
    {
        Task saving;
        lock (Gate)
        {
            saving = s_saving;
        }

        saving.Wait(timeout ?? Timeout.InfiniteTimeSpan);
    }

    /// <summary>Forgets what was read, as a new process would start (the file stays).</summary>
    internal static void ForgetMemory()
    {
        Flush();
        lock (Gate)
        {
            s_loadedFrom = null;
            s_entries = [];
        }
    }

    private static void EnsureLoaded(string directory)
    {
        if (s_loadedFrom == directory)
        {
            return;
        }

        s_loadedFrom = directory;
        s_entries = [];
        try
        {
            var signed = RegularFile.ReadOwn(Path.Combine(directory, FileName), RegularFile.RecordCap);
            if (MacKey.For(directory) is not { } key || signed.Length < MacKey.Length
                || !CryptographicOperations.FixedTimeEquals(signed.AsSpan(0, MacKey.Length), MacKey.Sign(key, signed.AsSpan(MacKey.Length))))
            {
                return;
            }

            using var reader = new BinaryReader(new MemoryStream(signed, MacKey.Length, signed.Length - MacKey.Length, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadString() != Build)
            {
                return;
            }

            var entries = new List<SavedEntry>();
            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var entryKey = reader.ReadString();
                var length = reader.ReadInt32();
                if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
                {
                    return;
                }

                entries.Add(new SavedEntry(entryKey, reader.ReadBytes(length)));
            }

            s_entries = entries;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            // No file, or one we cannot use: start empty; the next save replaces it.
        }
    }

    private static void Save(string directory, List<SavedEntry> entries)
    {
        try
        {
            if (MacKey.For(directory) is not { } key)
            {
                return;
            }

            using var payload = new MemoryStream();
            using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
            {
                w.Write(Magic);
                w.Write(Build);
                w.Write(entries.Count);
                foreach (var entry in entries)
                {
                    w.Write(entry.Key);
                    w.Write(entry.Body.Length);
                    w.Write(entry.Body);
                }
            }

            var bytes = payload.GetBuffer().AsSpan(0, (int)payload.Length).ToArray();
            PrivateFile.Write(Path.Combine(directory, FileName), stream =>
            {
                stream.Write(MacKey.Sign(key, bytes));
                stream.Write(bytes);
            });
            // What an earlier build of the module kept: never read again, so not left behind.
            File.Delete(Path.Combine(directory, FormerFileName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Saving only saves time later; a read-only or full disk must not fail the command.
        }
    }
}

internal sealed class SavedReport
{
    public required string Key { get; init; }
    public required List<UsageSummary> Rows { get; init; }
    public required List<string> Warnings { get; init; }
}

/// <summary>One saved report as the file holds it; <see cref="Report"/> once read (or when kept by this process).</summary>
internal sealed class SavedEntry(string key, byte[] body)
{
    public string Key { get; } = key;
    public byte[] Body { get; } = body;
    public SavedReport? Report { get; set; }
}
