using Microsoft.Data.Sqlite;
using OpenCodeUsage.Credentials;
using OpenCodeUsage.Storage;
using Xunit;

namespace OpenCodeUsage.Tests.Credentials;

/// <summary>
/// Get-OpenCodeCredential on OpenCode 2.x: the credential table of the generated 2.x data set (tests/data/v2/native,
/// rows of the upstream DDL and the SDK's CredentialKey/CredentialOAuth shapes), several accounts per integration with
/// the active one marked, the auth.json entry 2.x imported listed once, every value masked.
/// </summary>
public sealed class CredentialTableTests : IDisposable
{
    private readonly TempHome _home = new();

    public CredentialTableTests()
    {
        var source = RepoPaths.DataDir("v2/native");
        Directory.CreateDirectory(_home.DataDir);
        File.Copy(Path.Combine(source, "opencode.db"), Path.Combine(_home.DataDir, "opencode.db"));
        File.Copy(Path.Combine(source, "auth.json"), _home.AuthJson);
        CorruptCorpus.SetMode(_home.AuthJson, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _home.Dispose();
    }

    private IReadOnlyList<Credential> Find(ReadDiagnostics diagnostics) =>
        CredentialCatalog.Find(new CredentialQuery(), _home.Environment, diagnostics, ActivityLog.None)
            .Where(c => c.Type != CredentialType.Cookie).ToList();

    private static string Plain(Credential c) => new System.Net.NetworkCredential(string.Empty, c.Secret).Password;

    /// <summary>The table's rows as sqlite3 reads them: the independent account of what must be listed.</summary>
    private List<(string Integration, string Label, string Type, string Secret, bool Active)> Rows()
    {
        var rows = new List<(string, string, string, string, bool)>();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_home.DataDir, "opencode.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT integration_id, label, json_extract(value, '$.type'),
                   coalesce(json_extract(value, '$.key'), json_extract(value, '$.access')), active
            FROM credential ORDER BY integration_id, active DESC, rowid
            """;
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            rows.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4) != 0));
        }

        return rows;
    }

    [Fact]
    public void Every_account_of_the_table_is_listed_once_with_the_active_one_marked_and_masked()
    {
        var diagnostics = new ReadDiagnostics();
        var found = Find(diagnostics);
        Assert.Empty(diagnostics.Failures);
        var rows = Rows();
        Assert.Equal(5, rows.Count);
        var table = found.Where(c => c.IsActive is not null).ToList();
        Assert.Equal(rows.Select(r => (r.Integration, r.Label, r.Type == "oauth" ? CredentialType.OAuth : CredentialType.Api, r.Secret, r.Active)),
            table.Select(c => (c.ProviderId, c.Source[(c.Source.IndexOf("#credential/", StringComparison.Ordinal) + 12)..], c.Type, Plain(c), c.IsActive!.Value)));
        Assert.All(table, c => Assert.Equal(Plain(c)[..3] + "…" + Plain(c)[^4..], c.MaskedValue));
        Assert.All(table, c => Assert.DoesNotContain(Plain(c)[3..^4], c.ToString()));

        // The active account is the one OpenCode 2.x runs a provider with.
        Assert.All(table.GroupBy(c => c.ProviderId), g =>
            Assert.Equal(g.Single(c => c.IsActive == true), g.Single(c => c.Role.HasFlag(CredentialRole.Delegation))));
        var oauth = table.Single(c => c.ProviderId == "openai" && c.IsActive == true);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1795824000000), oauth.Expires);
    }

    [Fact]
    public void An_auth_json_entry_2x_imported_is_not_listed_twice()
    {
        var found = Find(new ReadDiagnostics());
        var mockant = Assert.Single(found, c => c.ProviderId == "mockant");
        Assert.Contains("#credential/", mockant.Source, StringComparison.Ordinal);

        // An entry 2.x has not imported (another key) is still listed, beside the table's.
        File.WriteAllText(_home.AuthJson, """{"mockant":{"type":"api","key":"sk-ocu-v2-mockant-newer-Z9xY8wV7uT6s"},"groq":{"type":"api","key":"gsk-ocu-v2-groq-only-A1b2C3d4E5f6"}}""");
        found = Find(new ReadDiagnostics());
        Assert.Equal(2, found.Count(c => c.ProviderId == "mockant"));
        Assert.Single(found, c => c.ProviderId == "groq" && c.IsActive is null);
    }

    [Fact]
    public void A_damaged_database_is_reported_with_the_one_maps_id_and_auth_json_still_counts()
    {
        File.WriteAllBytes(Path.Combine(_home.DataDir, "opencode.db"), "not a database, just text of some length to fill a header"u8.ToArray());
        var diagnostics = new ReadDiagnostics();
        var found = Find(diagnostics);
        Assert.Equal(SqliteErrors.Invalid, Assert.Single(diagnostics.Failures).ErrorId);
        Assert.Single(found, c => c.ProviderId == "mockant" && c.Source.EndsWith("auth.json#mockant", StringComparison.Ordinal));
    }
}
