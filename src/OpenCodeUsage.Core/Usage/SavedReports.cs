using OpenCodeUsage.IO;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace OpenCodeUsage.Usage;

/// <summary>
/// The summary memo's entries kept on disk beside the digests, so a new process (a scheduled script, a new
/// shell) asking what the last one asked, of unchanged files, is answered without reading them. The keys
/// carry every file's stamp, so a changed file never matches; the file names the module build that wrote it,
/// and any other build, a damaged file or one of another shape is ignored and replaced. The file is owner-only and
/// begins with an HMAC of the rest under the user's <see cref="MacKey"/>: one changed by anyone else, or that another
/// user owns or may write, is ignored the same way.
/// </summary>
internal static class SavedReports
{
    /// <summary>Large reports (a row per session of a big database) are cheaper to recompute than to parse.</summary>
    public const int MaxRows = 5_000;

    private const string FileName = "reports.json";
    private static readonly string Build = typeof(SavedReports).Assembly.ManifestModule.ModuleVersionId.ToString("N");
    private static readonly object Gate = new();
    private static string? s_loadedFrom;
    private static List<SavedReport> s_entries = [];
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
            return s_entries.FirstOrDefault(e => e.Key == key);
        }
    }

    public static void Keep(string directory, SavedReport report, int capacity)
    {
        if (report.Rows.Count > MaxRows)
        {
            return;
        }

        List<SavedReport> snapshot;
        lock (Gate)
        {
            EnsureLoaded(directory);
            s_entries = [report, .. s_entries.Where(e => e.Key != report.Key).Take(capacity - 1)];
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

            var file = JsonSerializer.Deserialize(signed.AsSpan(MacKey.Length), SavedReportsJson.Default.SavedReportFile);
            if (file is { Build: var build, Entries: { } entries } && build == Build)
            {
                s_entries = entries.Where(e => e is { Key: not null, Rows: not null, Warnings: not null }).ToList();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            // No file, or one we cannot use: start empty; the next save replaces it.
        }
    }

    private static void Save(string directory, List<SavedReport> entries)
    {
        try
        {
            if (MacKey.For(directory) is not { } key)
            {
                return;
            }

            var json = JsonSerializer.SerializeToUtf8Bytes(new SavedReportFile { Build = Build, Entries = entries }, SavedReportsJson.Default.SavedReportFile);
            PrivateFile.Write(Path.Combine(directory, FileName), stream =>
            {
                stream.Write(MacKey.Sign(key, json));
                stream.Write(json);
            });
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

internal sealed class SavedReportFile
{
    public string? Build { get; init; }
    public List<SavedReport>? Entries { get; init; }
}

[JsonSerializable(typeof(SavedReportFile))]
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Default)]
internal sealed partial class SavedReportsJson : JsonSerializerContext
{
}
