using System.Text;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Storage;

/// <summary>A message row's session is found from the bytes SQLite holds, as it would be from the decoded id.</summary>
public sealed class SessionOwnersTests
{
    private static readonly StoreRef Store = new("/data", "/data/opencode.db", false, 0);

    private static SessionRecord Session(string id) => new() { Id = id, Store = Store };

    [Fact]
    public void Ids_are_found_from_their_bytes_and_others_are_not()
    {
        var owners = new SessionOwners([Session("ses_a"), Session("ses_b"), Session("ses_ünïcode")]);
        Assert.Equal("ses_b", owners.Find("ses_b"u8)?.Id);
        Assert.Equal("ses_ünïcode", owners.Find(Encoding.UTF8.GetBytes("ses_ünïcode"))?.Id);
        Assert.Null(owners.Find("ses_c"u8));
        Assert.Null(owners.Find(ReadOnlySpan<byte>.Empty));
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_find_the_session_read_from_the_same_bytes()
    {
        byte[] damaged = [.. "ses_"u8, 0xFF, 0xFE, .. "x"u8];
        var owners = new SessionOwners([Session(Encoding.UTF8.GetString(damaged))]);
        Assert.NotNull(owners.Find(damaged));
    }
}
