using System.IO.Hashing;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using OpenCodeUsage.Delegation;
using OpenCodeUsage.Digest;
using OpenCodeUsage.IO;
using OpenCodeUsage.Storage;
using OpenCodeUsage.Usage;
using Xunit;

namespace OpenCodeUsage.Tests.Digest;

/// <summary>
/// Our cache and state files are ours alone: created owner-only, signed with a per-user key, and not used when
/// another user owns them or may write them, when they were changed, or when a killed write left them half-done.
/// </summary>
public sealed class CacheTrustTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const uint Nobody = 65534;

    private readonly TempDataSet _data = new("oc-1.18.33");
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-trust-").FullName;

    private string CacheDir => Path.Combine(_root, "cache");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private StoreDigest SavedDigest()
    {
        var store = new StoreRef(_data.DataDir, _data.Database, false, 0);
        var digest = SqliteDigester.Digest(store, null, new StringPool(), null, CancellationToken.None);
        DigestFile.TrySave(CacheDir, digest);
        return digest;
    }

    private static double FirstCost(StoreDigest digest) =>
        digest.Sessions.Values.OrderBy(s => s.SessionId, StringComparer.Ordinal).SelectMany(s => s.Rows).First(r => r.Cost > 0).Cost;

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void Cache_files_and_their_folder_are_created_owner_only()
    {
        Skip.If(OperatingSystem.IsWindows());
        SavedDigest();
        SavedReports.Keep(CacheDir, new SavedReport { Key = "k", Rows = [], Warnings = [] }, 4);
        SavedReports.Flush();

        Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(CacheDir));
        Assert.All(Directory.EnumerateFiles(CacheDir), f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
        Assert.Contains(Directory.EnumerateFiles(CacheDir), f => Path.GetFileName(f) == SavedReports.FileName);
        SavedReports.ForgetMemory();
    }

    [Fact]
    public void A_patched_cost_with_its_checksum_recomputed_is_not_read()
    {
        var digest = SavedDigest();
        var cost = FirstCost(digest);
        var file = DigestFile.PathFor(CacheDir, _data.Database);
        var bytes = File.ReadAllBytes(file);

        // The attacker's edit: a cost becomes 1000.07 wherever it is stored, and whatever unkeyed checksum the trailer
        // holds is recomputed over the new payload (XxHash64 in an 8-byte slot, SHA-256 in a 32-byte one).
        var patched = 0;
        for (int at; (at = bytes.AsSpan().IndexOf(BitConverter.GetBytes(cost))) >= 0; patched++)
        {
            BitConverter.GetBytes(1000.07).CopyTo(bytes, at);
        }

        Assert.True(patched > 0);
        foreach (var (slot, checksum) in new (int, Func<byte[], byte[]>)[] { (8, p => BitConverter.GetBytes(XxHash64.HashToUInt64(p))), (32, SHA256.HashData) })
        {
            var trailer = 8 + 4 + slot + 8;
            var payload = bytes.Length - trailer;
            if (BitConverter.ToInt64(bytes, payload) == payload)
            {
                checksum(bytes[..payload]).CopyTo(bytes, payload + 12);
            }
        }

        File.WriteAllBytes(file, bytes);
        var loaded = DigestFile.TryLoad(CacheDir, _data.Database);
        Assert.True(loaded is null || !loaded.Sessions.Values.SelectMany(s => s.Rows).Any(r => r.Cost == 1000.07), "the patched cost was read");
    }

    [SkippableFact]
    [UnsupportedOSPlatform("windows")]
    public void A_digest_another_user_owns_or_may_write_is_not_used()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to give a file away");
        SavedDigest();
        var file = DigestFile.PathFor(CacheDir, _data.Database);
        Assert.NotNull(DigestFile.TryLoad(CacheDir, _data.Database));

        Chown(file, Nobody);
        var notes = new List<string>();
        Assert.Null(new DigestCache(CacheDir).Find(_data.Database, notes.Add));
        Assert.Contains("belongs to user 65534", Assert.Single(notes), StringComparison.Ordinal);
        Chown(file, 0);
        File.SetUnixFileMode(file, OwnerOnly | UnixFileMode.OtherWrite);
        Assert.Null(DigestFile.TryLoad(CacheDir, _data.Database));
        File.SetUnixFileMode(file, OwnerOnly);
        File.SetUnixFileMode(CacheDir, OwnerOnly | UnixFileMode.UserExecute | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);
        Assert.Null(DigestFile.TryLoad(CacheDir, _data.Database));
        File.SetUnixFileMode(CacheDir, OwnerOnly | UnixFileMode.UserExecute);
        Assert.NotNull(DigestFile.TryLoad(CacheDir, _data.Database));
    }

    [Fact]
    public void Saving_reports_removes_the_json_file_an_earlier_build_kept()
    {
        SavedReports.ForgetMemory();
        try
        {
            Directory.CreateDirectory(CacheDir);
            var former = Path.Combine(CacheDir, "reports.json");
            File.WriteAllText(former, "{\"Build\":\"an earlier build\",\"Entries\":[]}");
            SavedReports.Keep(CacheDir, new SavedReport { Key = "the key", Rows = [], Warnings = [] }, 4);
            SavedReports.Flush();

            Assert.False(File.Exists(former));
            Assert.True(File.Exists(Path.Combine(CacheDir, SavedReports.FileName)));
            SavedReports.ForgetMemory();
            Assert.NotNull(SavedReports.Find(CacheDir, "the key"));
        }
        finally
        {
            SavedReports.ForgetMemory();
        }
    }

    [Fact]
    public void A_signed_report_that_will_not_read_is_dropped_and_the_others_still_answer()
    {
        SavedReports.ForgetMemory();
        try
        {
            SavedReports.Keep(CacheDir, new SavedReport { Key = "good", Rows = [new UsageSummary { Group = "g", Cost = 1.5m }], Warnings = [] }, 4);
            SavedReports.Flush();
            // The same file with one more entry whose body no writer makes, signed as this build signs: only a bug could make it.
            var file = Path.Combine(CacheDir, SavedReports.FileName);
            var payload = File.ReadAllBytes(file)[MacKey.Length..];
            using (var w = new BinaryWriter(new MemoryStream(), System.Text.Encoding.UTF8))
            {
                var build = typeof(SavedReports).Assembly.ManifestModule.ModuleVersionId.ToString("N");
                using var r = new BinaryReader(new MemoryStream(payload), System.Text.Encoding.UTF8);
                w.Write(r.ReadBytes(8));
                Assert.Equal(build, r.ReadString());
                w.Write(build);
                var count = r.ReadInt32();
                w.Write(count + 1);
                w.Write("the unreadable one");
                w.Write(3);
                w.Write(new byte[] { 9, 9, 9 });
                w.Write(r.ReadBytes(payload.Length));
                var changed = ((MemoryStream)w.BaseStream).ToArray();
                File.WriteAllBytes(file, [.. MacKey.Sign(MacKey.For(CacheDir)!, changed), .. changed]);
            }

            SavedReports.ForgetMemory();
            Assert.Null(SavedReports.Find(CacheDir, "the unreadable one"));
            Assert.Equal(1.5m, Assert.Single(SavedReports.Find(CacheDir, "good")!.Rows).Cost);

            // The next save leaves the bad entry out.
            SavedReports.Keep(CacheDir, new SavedReport { Key = "new", Rows = [], Warnings = [] }, 4);
            SavedReports.Flush();
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf("the unreadable one"u8));
            SavedReports.ForgetMemory();
            Assert.NotNull(SavedReports.Find(CacheDir, "good"));
            Assert.NotNull(SavedReports.Find(CacheDir, "new"));
        }
        finally
        {
            SavedReports.ForgetMemory();
        }
    }

    [Fact]
    public void A_changed_reports_file_is_not_read()
    {
        SavedReports.ForgetMemory();
        try
        {
            SavedReports.Keep(CacheDir, new SavedReport { Key = "the key", Rows = [], Warnings = ["original"] }, 4);
            SavedReports.Flush();
            var file = Path.Combine(CacheDir, SavedReports.FileName);
            var bytes = File.ReadAllBytes(file);
            var at = bytes.AsSpan().IndexOf("original"u8);
            "patched!"u8.CopyTo(bytes.AsSpan(at));
            File.WriteAllBytes(file, bytes);

            SavedReports.ForgetMemory();
            Assert.Null(SavedReports.Find(CacheDir, "the key"));
        }
        finally
        {
            SavedReports.ForgetMemory();
        }
    }

    [SkippableFact]
    public void A_reports_file_another_user_owns_is_not_read()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to give a file away");
        SavedReports.ForgetMemory();
        try
        {
            SavedReports.Keep(CacheDir, new SavedReport { Key = "the key", Rows = [], Warnings = ["original"] }, 4);
            SavedReports.Flush();
            SavedReports.ForgetMemory();
            Assert.NotNull(SavedReports.Find(CacheDir, "the key"));
            Chown(Path.Combine(CacheDir, SavedReports.FileName), Nobody);
            SavedReports.ForgetMemory();
            Assert.Null(SavedReports.Find(CacheDir, "the key"));
        }
        finally
        {
            SavedReports.ForgetMemory();
        }
    }

    [SkippableFact]
    public void A_warm_session_file_another_user_owns_is_not_used()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root to give a file away");
        var store = new WarmSessionStore(Path.Combine(_root, "state", WarmSessionStore.FileName));
        store.Set("key", "ses_warm");
        Assert.Equal("ses_warm", store.Get("key"));
        Chown(store.Path, Nobody);
        Assert.Null(store.Get("key"));
    }

    [Fact]
    public void Temporary_files_a_killed_write_left_are_removed_by_the_next_write()
    {
        Directory.CreateDirectory(CacheDir);
        var name = Path.GetFileName(DigestFile.PathFor(CacheDir, _data.Database));
        string[] left = [Path.Combine(CacheDir, $"{name}.{Guid.NewGuid():N}.tmp"), Path.Combine(CacheDir, $".{name}.{Guid.NewGuid():N}.tmp")];
        foreach (var file in left)
        {
            File.WriteAllText(file, "half a digest");
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
        }

        var fresh = Path.Combine(CacheDir, $".{name}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(fresh, "a write under way");
        SavedDigest();
        Assert.All(left, f => Assert.False(File.Exists(f)));
        Assert.True(File.Exists(fresh)); // a write that may still be going on is left alone
    }

    private static void Chown(string path, uint owner)
    {
        if (NativeChown(path, owner, owner) != 0)
        {
            throw new IOException($"chown {path} failed");
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int NativeChown(string path, uint owner, uint group);
}
