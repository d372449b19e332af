using System.IO.Compression;

namespace OpenCodeUsage.Tests;

/// <summary>
/// The corrupt-data corpus of tests/data/corrupt (see its README), laid out as data dirs in a temporary folder:
/// committed inputs are unpacked or copied, never used in place, so a test can damage them further.
/// </summary>
internal sealed class CorruptCorpus : IDisposable
{
    public static string Folder => Path.Combine(RepoPaths.TestData, "corrupt");

    /// <summary>The data set the legacy overlay is laid over.</summary>
    public const string LegacyDataSet = "oc-1.1.65";

    /// <summary>What the legacy overlay breaks, relative to storage/: each is left out of the reference copy.</summary>
    public static readonly string[] LegacyDamaged =
    [
        "message/ses_de4fabf28ffeuHKUdQ4n4a8Yi0/msg_21b05416d001Zz7yFLrxGzpeUv.json",
        "message/ses_de4fab9caffeZYq0eSVGntGyEF/msg_21b0546a5001Lp66ApUI4O3EVC.json",
        "session/69cd3719683d6018778c1f41ec2ecea9ae62cad3/ses_de4fac9c1ffe8g8bB3qGr1gj8d.json",
    ];

    /// <summary>Root reads and writes whatever the mode says, so mode-based cases cannot be made as root.</summary>
    public static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    /// <summary>Sets a Unix mode; on Windows modes do not exist and nothing is done.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    public CorruptCorpus() => Root = Directory.CreateTempSubdirectory("ocu-corrupt-").FullName;

    public string Root { get; }

    /// <summary>A data dir whose opencode.db is the corpus file <paramref name="name"/> (a .gz is unpacked).</summary>
    public string DataDir(string name, string databaseName = "opencode.db")
    {
        var dir = NewDataDir(name);
        var source = Path.Combine(Folder, name);
        var target = Path.Combine(dir, databaseName);
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gz = new GZipStream(File.OpenRead(source), CompressionMode.Decompress);
            using var file = File.Create(target);
            gz.CopyTo(file);
        }
        else
        {
            File.Copy(source, target);
        }

        return dir;
    }

    /// <summary>A data dir whose opencode.db holds exactly <paramref name="bytes"/>.</summary>
    public string DataDirWith(string name, byte[] bytes)
    {
        var dir = NewDataDir(name);
        File.WriteAllBytes(Path.Combine(dir, "opencode.db"), bytes);
        return dir;
    }

    /// <summary>A copy of a committed data set, e.g. the good data reported beside a broken store.</summary>
    public string Copy(string dataSet, string? name = null)
    {
        var source = RepoPaths.DataDir(dataSet);
        var dir = NewDataDir(name ?? dataSet);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(dir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        return dir;
    }

    /// <summary>oc-1.1.65 with the broken legacy files laid over it; or, as the reference, with the damaged files left out.</summary>
    public string Legacy(bool damaged)
    {
        var dir = Copy(LegacyDataSet, damaged ? "legacy-damaged" : "legacy-reference");
        var storage = Path.Combine(dir, "storage");
        if (!damaged)
        {
            foreach (var file in LegacyDamaged)
            {
                File.Delete(Path.Combine(storage, file));
            }

            return dir;
        }

        var overlay = Path.Combine(Folder, "legacy-overlay", "storage");
        foreach (var file in Directory.EnumerateFiles(overlay, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(storage, Path.GetRelativePath(overlay, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }

        return dir;
    }

    private string NewDataDir(string name)
    {
        var stem = Path.Combine(Root, name.Replace(".db.gz", "").Replace(".db", ""));
        var folder = stem;
        for (var n = 2; Directory.Exists(folder); n++)
        {
            folder = $"{stem}-{n}"; // each call gets its own copy
        }

        var dir = Path.Combine(folder, "opencode");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Dispose()
    {
        Restore(Root);
        Directory.Delete(Root, recursive: true);
    }

    /// <summary>Tests take permissions away; give them back, folder before contents, so everything can be deleted.</summary>
    private static void Restore(string dir)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var file in Directory.EnumerateFiles(dir))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            Restore(sub);
        }
    }
}
