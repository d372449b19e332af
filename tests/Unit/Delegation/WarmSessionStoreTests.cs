using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

public sealed class WarmSessionStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocu-warm-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Sessions_are_kept_per_full_directory_and_per_server()
    {
        var store = new WarmSessionStore(Path.Combine(_root, "state", WarmSessionStore.FileName));
        var alpha = Path.Combine(_root, "alpha");
        store.Set(WarmSessionStore.KeyFor(alpha + Path.DirectorySeparatorChar, null, null), "ses_a");
        store.Set(WarmSessionStore.KeyFor(alpha, new Uri("http://127.0.0.1:4096"), null), "ses_server");
        Assert.Equal("ses_a", store.Get(WarmSessionStore.KeyFor(alpha, null, null)));
        Assert.Equal("ses_server", new WarmSessionStore(store.Path).Get(WarmSessionStore.KeyFor(alpha, new Uri("http://127.0.0.1:4096/"), null)));
        Assert.Null(store.Get(WarmSessionStore.KeyFor(Path.Combine(_root, "beta"), null, null)));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(store.Path)!, "*.tmp")); // written through a temp file, moved in
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
        }
    }

    [Fact]
    public async Task Parallel_first_calls_make_one_warm_session_and_a_gone_one_is_replaced_once()
    {
        var store = new WarmSessionStore(Path.Combine(_root, WarmSessionStore.FileName));
        var made = 0;
        async Task<string> Create()
        {
            await Task.Delay(50);
            return "ses_" + Interlocked.Increment(ref made);
        }

        var ids = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => store.GetOrCreateAsync("k", null, Create, _ => { }, CancellationToken.None)));
        Assert.All(ids, id => Assert.Equal("ses_1", id));
        var replaced = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => store.GetOrCreateAsync("k", "ses_1", Create, _ => { }, CancellationToken.None)));
        Assert.All(replaced, id => Assert.Equal("ses_2", id));
        Assert.Equal(2, made);
        store.Remove("k", "ses_1"); // no longer the recorded one: kept
        Assert.Equal("ses_2", store.Get("k"));
    }

    [Fact]
    public void A_damaged_file_reads_as_empty_and_is_replaced()
    {
        var path = Path.Combine(_root, WarmSessionStore.FileName);
        File.WriteAllText(path, "{ not json");
        var store = new WarmSessionStore(path);
        Assert.Null(store.Get("k"));
        store.Set("k", "ses_x");
        Assert.Equal("ses_x", store.Get("k"));
    }

    [Fact]
    public void The_state_file_lives_in_the_users_state_directory()
    {
        var env = new Dictionary<string, string?> { ["XDG_STATE_HOME"] = "/s", ["HOME"] = "/h", ["LOCALAPPDATA"] = @"C:\Users\u\AppData\Local" };
        var path = WarmSessionStore.DefaultPath(n => env.GetValueOrDefault(n));
        Assert.Equal(OperatingSystem.IsWindows()
            ? Path.Combine(@"C:\Users\u\AppData\Local", "OpenCodeUsage", WarmSessionStore.FileName)
            : "/s/OpenCodeUsage/warm-sessions.json", path);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal("/h/.local/state/OpenCodeUsage/warm-sessions.json", WarmSessionStore.DefaultPath(n => n == "HOME" ? "/h" : null));
        }
    }
}
