namespace OpenCodeUsage.Tests.Hosted;

/// <summary>Finding OpenCode's data without -DataPath: XDG_DATA_HOME, channel databases and OPENCODE_DB (own process each).</summary>
public sealed class DiscoveryTests
{
    private static readonly string Database = Path.Combine(RepoPaths.DataDir("oc-1.18.33"), "opencode.db");

    private static (List<string> Output, List<string> Errors) CountSessions(IDictionary<string, string?> environment) =>
        HostProbe.Run($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            'count=' + @(Get-OpenCodeSession).Count
            """, environment);

    [Fact]
    public void Reads_the_data_dir_under_XDG_DATA_HOME()
    {
        var xdg = Directory.CreateTempSubdirectory("ocu-xdg-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(xdg, "opencode"));
            File.Copy(Database, Path.Combine(xdg, "opencode", "opencode.db"));
            var (output, errors) = CountSessions(new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg, ["OPENCODE_DB"] = null });
            Assert.Empty(errors);
            Assert.Contains("count=8", output);
        }
        finally
        {
            Directory.Delete(xdg, true);
        }
    }

    [Fact]
    public void Honours_OPENCODE_DB_relative_to_the_data_dir()
    {
        var xdg = Directory.CreateTempSubdirectory("ocu-xdg-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(xdg, "opencode"));
            File.Copy(Database, Path.Combine(xdg, "opencode", "opencode-beta.db"));
            var (output, errors) = CountSessions(new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg, ["OPENCODE_DB"] = "opencode-beta.db" });
            Assert.Empty(errors);
            Assert.Contains("count=8", output);

            (_, errors) = CountSessions(new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg, ["OPENCODE_DB"] = "missing.db" });
            Assert.StartsWith("DatabaseNotFound,", Assert.Single(errors));
        }
        finally
        {
            Directory.Delete(xdg, true);
        }
    }

    [Fact]
    public void A_missing_default_data_dir_names_the_place_tried()
    {
        var xdg = Directory.CreateTempSubdirectory("ocu-xdg-").FullName;
        try
        {
            var (_, errors) = CountSessions(new Dictionary<string, string?> { ["XDG_DATA_HOME"] = xdg, ["OPENCODE_DB"] = null });
            var error = Assert.Single(errors);
            Assert.StartsWith("DataDirectoryNotFound,", error);
            Assert.Contains(Path.Combine(xdg, "opencode"), error);
        }
        finally
        {
            Directory.Delete(xdg, true);
        }
    }
}
