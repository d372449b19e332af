using OpenCodeFixture;
using Xunit;

namespace OpenCodeUsage.Tests;

/// <summary>
/// The real OpenCode CLI for live tests. Installed by tools/install-opencode.sh (CI always runs it); without
/// it live tests are skipped, unless OPENCODEUSAGE_REQUIRE_OPENCODE=1 says a missing CLI is a failure.
/// </summary>
internal static class LiveOpenCode
{
    public static string Binary()
    {
        var binary = OpenCodeCli.Find();
        if (binary is null && Environment.GetEnvironmentVariable("OPENCODEUSAGE_REQUIRE_OPENCODE") == "1")
        {
            Assert.Fail("OPENCODEUSAGE_REQUIRE_OPENCODE=1 but the OpenCode CLI was not found: run tools/install-opencode.sh.");
        }

        Skip.If(binary is null, "The OpenCode CLI is not installed; run tools/install-opencode.sh to run live tests.");
        return binary!;
    }
}
