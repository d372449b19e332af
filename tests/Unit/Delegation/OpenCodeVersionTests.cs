using OpenCodeUsage.Delegation;
using Xunit;

namespace OpenCodeUsage.Tests.Delegation;

/// <summary>The CLI's generation, from what the real binaries say they are, asked once per executable file.</summary>
public sealed class OpenCodeVersionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-version-").FullName;

    [SkippableFact]
    public void The_real_1x_CLI_is_told_1x_by_its_version()
    {
        var version = OpenCodeVersion.Of(LiveOpenCode.Binary(), DelegateEnvironment.Inherited);
        Assert.Equal(CliGeneration.V1, version.Generation);
        Assert.Equal(1, version.Number.Major);
    }

    [SkippableFact]
    public void The_real_2_0_preview_reports_no_version_and_gets_a_clear_error_not_a_guess()
    {
        var binary = Path.Combine(RepoPaths.Root, ".tools", "lildax", "package", "bin", "lildax");
        Skip.IfNot(File.Exists(binary), "the 2.0 preview is not installed; run tools/install-lildax.sh");
        var error = Assert.Throws<OpenCodeUsageException>(() => OpenCodeVersion.Of(binary, DelegateEnvironment.Inherited));
        Assert.Equal("OpenCodeVersionUnknown", error.ErrorId);
        Assert.Contains("'lildax vlocal'", error.Message, StringComparison.Ordinal);
        Assert.Equal(FailureKind.InvalidData, error.Kind);
    }

    [SkippableFact]
    public void The_version_is_asked_once_per_file_and_again_when_the_file_changes()
    {
        Skip.If(OperatingSystem.IsWindows(), "a bash stand-in");
        var counter = Path.Combine(_dir, "asked");
        var program = Path.Combine(_dir, "opencode");
        void Write(string version)
        {
            File.WriteAllText(program, $"#!/bin/bash\necho x >> '{counter}'\necho {version}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Write("2.0.12");
        Assert.Equal(CliGeneration.V2, OpenCodeVersion.Of(program, DelegateEnvironment.Inherited).Generation);
        Assert.Equal(CliGeneration.V2, OpenCodeVersion.Of(program, DelegateEnvironment.Inherited).Generation);
        Assert.Single(File.ReadAllLines(counter));

        // An upgrade in place (another size and time) is asked again.
        Write("1.18.33 ");
        File.SetLastWriteTimeUtc(program, DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(CliGeneration.V1, OpenCodeVersion.Of(program, DelegateEnvironment.Inherited).Generation);
        Assert.Equal(2, File.ReadAllLines(counter).Length);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
