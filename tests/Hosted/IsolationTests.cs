namespace OpenCodeUsage.Tests.Hosted;

/// <summary>
/// The module's SQLite lives in its own load context: it works in a host that ships no SQLite, beside a
/// module that already loaded another version, and fails clearly when its native library is missing.
/// </summary>
public sealed class IsolationTests
{
    private static readonly string Data = RepoPaths.DataDir("oc-1.18.33");

    private const string ReportAssemblies = """
        [AppDomain]::CurrentDomain.GetAssemblies() |
            Where-Object { $_.GetName().Name -in 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core', 'OpenCodeUsage.Core' } |
            ForEach-Object { 'asm|{0}|{1}|{2}' -f $_.GetName().Name, $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
        """;

    // -NoCache throughout: a digest saved by an earlier run answers without opening the database, and these tests
    // are about the SQLite that opens it.
    [Fact]
    public void Works_in_a_host_that_ships_no_SQLite()
    {
        var (output, errors) = HostProbe.Run($"""
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            'count=' + @(Get-OpenCodeSession -DataPath {HostProbe.Quote(Data)} -NoCache).Count
            {ReportAssemblies}
            """);
        Assert.Empty(errors);
        Assert.Contains("count=8", output);
        Assert.Contains(output, l => l.StartsWith("asm|Microsoft.Data.Sqlite|", StringComparison.Ordinal) && l.EndsWith("|OpenCodeUsage", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("asm|SQLitePCLRaw.core|", StringComparison.Ordinal) && l.EndsWith("|OpenCodeUsage", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("asm|OpenCodeUsage.Core|", StringComparison.Ordinal) && l.EndsWith("|OpenCodeUsage", StringComparison.Ordinal));
    }

    [Fact]
    public void Works_beside_a_module_that_loaded_another_SQLite_version_first()
    {
        var (output, errors) = HostProbe.Run($"""
            Import-Module {HostProbe.Quote(HostProbe.OtherModule)} -ErrorAction Stop
            Get-OtherSqliteInfo
            Import-Module {HostProbe.Quote(RepoPaths.StagedModule)} -ErrorAction Stop
            'count=' + @(Get-OpenCodeSession -DataPath {HostProbe.Quote(Data)} -NoCache).Count
            Get-OtherSqliteInfo
            {ReportAssemblies}
            """);
        Assert.Empty(errors);
        Assert.Contains("count=8", output);
        // The other module keeps working with its own, older copy in the default context.
        Assert.Equal(2, output.Count(l => l.StartsWith("other|6.0.7", StringComparison.Ordinal)));
        var sqlite = output.Where(l => l.StartsWith("asm|Microsoft.Data.Sqlite|", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, sqlite.Count);
        Assert.Contains(sqlite, l => l.Contains("|6.0.7", StringComparison.Ordinal) && l.EndsWith("|Default", StringComparison.Ordinal));
        Assert.Contains(sqlite, l => l.EndsWith("|OpenCodeUsage", StringComparison.Ordinal) && !l.Contains("|6.0.7", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_native_library_is_an_error_naming_the_runtime_and_paths()
    {
        var copy = Directory.CreateTempSubdirectory("ocu-module-").FullName;
        try
        {
            var module = Path.Combine(copy, "OpenCodeUsage");
            CopyDirectory(RepoPaths.StagedModule, module);
            Directory.Delete(Path.Combine(module, "dependencies", "runtimes"), recursive: true);
            var (_, errors) = HostProbe.Run($"""
                Import-Module {HostProbe.Quote(module)} -ErrorAction Stop
                Get-OpenCodeSession -DataPath {HostProbe.Quote(Data)}
                """);
            var error = Assert.Single(errors);
            Assert.StartsWith("SqliteNativeLibraryNotFound,", error);
            Assert.Contains(OperatingSystem.IsLinux() ? "linux-" : OperatingSystem.IsMacOS() ? "osx-" : "win-", error);
            Assert.Contains(Path.Combine(module, "dependencies", "runtimes"), error);
            Assert.DoesNotContain("TypeInitializationException", error);
        }
        finally
        {
            Directory.Delete(copy, true);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Core_loads_from_the_ReadyToRun_folder_of_this_runtime_only(bool ofThisRuntime)
    {
        var copy = Directory.CreateTempSubdirectory("ocu-module-").FullName;
        try
        {
            var module = Path.Combine(copy, "OpenCodeUsage");
            CopyDirectory(RepoPaths.StagedModule, module);
            var dependencies = Path.Combine(module, "dependencies");
            var readyToRun = Path.Combine(dependencies, "readytorun");
            if (Directory.Exists(readyToRun))
            {
                Directory.Delete(readyToRun, recursive: true); // a Release build's images: this test lays its own
            }

            // The probe runs on the same .NET as this test; an image folder for another major version must be passed over.
            var major = ofThisRuntime ? Environment.Version.Major : Environment.Version.Major - 1;
            var rid = (OperatingSystem.IsWindows() ? "win-" : OperatingSystem.IsMacOS() ? "osx-" : "linux-")
                      + System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            var images = Path.Combine(readyToRun, $"net{major}.0", rid);
            Directory.CreateDirectory(images);
            foreach (var dll in Directory.EnumerateFiles(dependencies, "*.dll"))
            {
                File.Copy(dll, Path.Combine(images, Path.GetFileName(dll)));
            }

            var (output, errors) = HostProbe.Run($$"""
                Import-Module {{HostProbe.Quote(module)}} -ErrorAction Stop
                'count=' + @(Get-OpenCodeSession -DataPath {{HostProbe.Quote(Data)}} -NoCache).Count
                [AppDomain]::CurrentDomain.GetAssemblies() |
                    Where-Object { $_.GetName().Name -in 'OpenCodeUsage.Core', 'Microsoft.Data.Sqlite' } |
                    ForEach-Object { 'at|{0}|{1}' -f $_.GetName().Name, $_.Location }
                """);
            Assert.Empty(errors);
            Assert.Contains("count=8", output);
            var expected = ofThisRuntime ? images : dependencies;
            Assert.Equal(Path.Combine(expected, "OpenCodeUsage.Core.dll"), Assert.Single(output, l => l.StartsWith("at|OpenCodeUsage.Core|", StringComparison.Ordinal))["at|OpenCodeUsage.Core|".Length..]);
            Assert.Equal(Path.Combine(expected, "Microsoft.Data.Sqlite.dll"), Assert.Single(output, l => l.StartsWith("at|Microsoft.Data.Sqlite|", StringComparison.Ordinal))["at|Microsoft.Data.Sqlite|".Length..]);
        }
        finally
        {
            Directory.Delete(copy, true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
