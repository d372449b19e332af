using System.Text.Json;
using OpenCodeUsage.Go;
using OpenCodeUsage.IO;
using Xunit;
using static OpenCodeUsage.Tests.TestSecrets;

namespace OpenCodeUsage.Tests.Go;

/// <summary>
/// Writing the cookie file: owner-only from the first byte, atomic replacement. Modes are read back with
/// File.GetUnixFileMode: the tests may run as root, which opens any file whatever its mode.
/// </summary>
public sealed class GoCookieFileTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private static System.Security.SecureString Secure(string text) => new System.Net.NetworkCredential(string.Empty, text).SecurePassword;

    [Fact]
    public void Writes_workspaceId_and_authCookie_that_read_back()
    {
        using var home = new TempHome();
        var credential = GoCookieFile.Write(home.GoCookieFile, "wrk_1", Secure("  auth=" + AuthCookie + "+x/y\n"));
        using (var json = JsonDocument.Parse(File.ReadAllText(home.GoCookieFile)))
        {
            Assert.Equal(["workspaceId", "authCookie"], json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(AuthCookie + "+x/y", json.RootElement.GetProperty("authCookie").GetString());
        }

        // Relaxed escaping: other tools that read the file with a plain string search still find the value.
        Assert.Contains(AuthCookie + "+x/y", File.ReadAllText(home.GoCookieFile));
        Assert.Equal(new GoCookie("wrk_1", AuthCookie + "+x/y", home.GoCookieFile + "#authCookie"), GoCookieConfig.Load(home.Environment, null, ActivityLog.None));
        Assert.Equal(CredentialType.Cookie, credential.Type);
        Assert.Equal("opencode-go", credential.ProviderId);
        Assert.Equal("wrk_1", credential.AccountId);
        Assert.Equal(home.GoCookieFile + "#authCookie", credential.Source);
        Assert.Empty(LeakedIn(credential.MaskedValue + credential));
    }

    [Fact]
    public void The_file_and_a_new_folder_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        GoCookieFile.Write(home.GoCookieFile, "wrk_1", Secure(AuthCookie));
        Assert.Equal(Private, File.GetUnixFileMode(home.GoCookieFile));
        Assert.Equal(Private | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(home.GoCookieFile)!));
        Assert.Single(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(home.GoCookieFile)!));
    }

    [Fact]
    public void The_new_file_is_0600_from_its_first_byte_not_after_a_chmod()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        var target = Path.Combine(home.Root, "go.json");
        UnixFileMode? modeBeforeAnyByte = null;
        string? temp = null;
        PrivateFile.Write(target, stream =>
        {
            temp = ((FileStream)stream).Name;
            modeBeforeAnyByte = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(temp);
            Assert.Equal(0, new FileInfo(temp).Length);
            stream.Write("{}"u8);
        });
        Assert.Equal(Private, modeBeforeAnyByte);
        Assert.Equal(Path.GetDirectoryName(target), Path.GetDirectoryName(temp));
        Assert.False(File.Exists(temp));
        Assert.Equal(Private, File.GetUnixFileMode(target));
    }

    [Fact]
    public void Replacing_a_file_others_could_read_leaves_a_private_one()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var home = new TempHome();
        var path = home.Write(home.GoCookieFile, "{}", Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        GoCookieFile.Write(path, "wrk_2", Secure(AuthCookie));
        Assert.Equal(Private, File.GetUnixFileMode(path));
        Assert.Equal("wrk_2", GoCookieConfig.Load(home.Environment, path, ActivityLog.None).WorkspaceId);
    }

    [Fact]
    public void A_crash_while_writing_leaves_the_old_file_whole_and_no_temp_behind()
    {
        using var home = new TempHome();
        var path = home.Write(home.GoCookieFile, $$"""{"workspaceId":"wrk_old","authCookie":"{{AuthCookie}}"}""");
        var before = File.ReadAllBytes(path);
        var crash = Assert.Throws<IOException>(() => PrivateFile.Write(path, stream =>
        {
            stream.Write("{\"workspaceId\":\"wrk_new\",\"authCo"u8);
            stream.Flush();
            throw new IOException("simulated crash: the disk filled up mid-write");
        }));
        Assert.StartsWith("simulated crash", crash.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(path)!));
        Assert.Equal("wrk_old", GoCookieConfig.Load(home.Environment, null, ActivityLog.None).WorkspaceId);
    }

    [Fact]
    public void A_file_that_cannot_be_written_is_GoConfigWriteFailed_and_an_empty_cookie_is_refused()
    {
        using var home = new TempHome();
        // A folder where the file should be: the move fails, whoever runs the test.
        var path = Path.Combine(home.Root, "taken");
        Directory.CreateDirectory(path);
        var ex = Assert.Throws<OpenCodeUsageException>(() => GoCookieFile.Write(path, "wrk_1", Secure(AuthCookie)));
        Assert.Equal("GoConfigWriteFailed", ex.ErrorId);
        Assert.Equal(FailureKind.WriteFailed, ex.Kind);
        Assert.Empty(LeakedIn(ex.ToString()));
        Assert.Equal([path], Directory.EnumerateFileSystemEntries(home.Root).Where(e => !e.EndsWith("work", StringComparison.Ordinal)));

        Assert.Equal("GoCookieEmpty", Assert.Throws<OpenCodeUsageException>(() => GoCookieFile.Write(home.GoCookieFile, "wrk_1", Secure(" auth= "))).ErrorId);
        Assert.Equal("GoCookieInvalid", Assert.Throws<OpenCodeUsageException>(() => GoCookieFile.Write(home.GoCookieFile, "wrk_1", Secure("two\nlines"))).ErrorId);
        Assert.False(File.Exists(home.GoCookieFile));
    }
}
