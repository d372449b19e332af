using System.Management.Automation;
using System.Net;
using System.Text.Json.Nodes;

namespace OpenCodeUsage.Tests.Hosted.Server;

/// <summary>
/// Get-OpenCodeService through the engine, at a 2.x mock server registered as 2.x registers its background service
/// (service.json {id, version, url, pid, password}, owner-only): its output, its password kept out of every stream
/// and serialization, and the server cmdlets using that password from the pipeline or as -Server.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceCmdletTests : IDisposable
{
    private const string Cmdlet = "OpenCodeUsage.Commands.GetOpenCodeServiceCommand";
    private readonly string _dir = Directory.CreateTempSubdirectory("ocu-service-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Register(Uri url, string? password = V2ServeMock.Password, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var path = Path.Combine(_dir, "service.json");
        File.WriteAllText(path, new JsonObject
        {
            ["id"] = "6ce0ac9d-b6ca-4153-8d29-627300d092a2", ["version"] = "2.0.18", ["url"] = url.ToString().TrimEnd('/'),
            ["pid"] = Environment.ProcessId, ["password"] = password,
        }.ToJsonString());
        File.SetUnixFileMode(path, mode);
        return path;
    }

    [Fact]
    public void The_service_is_shown_flat_and_its_password_appears_in_no_output_stream_or_serialization()
    {
        using var mock = new V2ServeMock();
        var path = Register(mock.BaseUri);
        using var engine = new Engine(80);
        var output = engine.Run("""
            $s = Get-OpenCodeService -Path $args[0] -Verbose
            $s
            $s | Format-Table | Out-String
            $s | Format-List * | Out-String
            $s | ConvertTo-Json -Depth 6
            $s | ConvertTo-Csv
            "$s"
            $s.Credential.GetType().FullName
            """, path);
        Assert.Empty(engine.Errors);
        var service = output[0];
        Assert.Equal("OpenCodeUsage.OpenCodeService", service.TypeNames[0]);
        Assert.Equal(true, service.Properties["Running"].Value);
        Assert.Equal("2.x", service.Properties["Generation"].Value);
        Assert.Equal(Environment.ProcessId, service.Properties["Pid"].Value);
        Assert.Equal(path, service.Properties["Path"].Value);
        var credential = Assert.IsType<PSCredential>(service.Properties["Credential"].Value);
        Assert.Equal(("opencode", V2ServeMock.Password), (credential.UserName, credential.GetNetworkCredential().Password));
        Assert.Equal("System.Management.Automation.PSCredential", output[^1].ToString());
        var everything = string.Join("\n", output.Skip(1).Select(o => o.ToString())) + engine.Host.Text
            + string.Join("\n", engine.Verbose.Select(v => v.Message)) + string.Join("\n", engine.Debug.Select(v => v.Message));
        Assert.Contains(mock.BaseUri.Authority, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(V2ServeMock.Password, everything, StringComparison.Ordinal);
    }

    [Fact]
    public void The_server_cmdlets_use_the_recorded_password_piped_or_given_as_Server()
    {
        using var mock = new V2ServeMock();
        mock.AskPermission("per_1", "ses_a", "bash", ["rm -rf build"], []);
        var path = Register(mock.BaseUri);
        using var engine = new Engine();
        var piped = engine.Run("Get-OpenCodeService -Path $args[0] | Get-OpenCodePermissionRequest", path);
        Assert.True(piped.Count == 1, string.Join("\n", engine.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        var given = engine.Run("Get-OpenCodePermissionRequest -Server (Get-OpenCodeService -Path $args[0])", path);
        Assert.True(given.Count == 1, string.Join("\n", engine.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        Assert.Equal("per_1", given[0].Properties["Id"].Value);
        // A -Credential given wins over the recorded one.
        var wrong = engine.RunExpectingTermination(
            "Get-OpenCodePermissionRequest -Server (Get-OpenCodeService -Path $args[0]) -Credential ([pscredential]::new('opencode', (ConvertTo-SecureString 'wrong' -AsPlainText -Force)))", path);
        Assert.StartsWith("ServerAuthenticationFailed,", wrong.FullyQualifiedErrorId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_piped_service_is_watched_with_its_password()
    {
        using var mock = new V2ServeMock();
        var path = Register(mock.BaseUri);
        var publish = Task.Run(async () =>
        {
            while (mock.StreamsOpened == 0)
            {
                await Task.Delay(20);
            }

            await Task.Delay(300);
            mock.Publish("permission.v2.asked", new JsonObject
            {
                ["id"] = "per_9", ["sessionID"] = "ses_w", ["action"] = "bash", ["resources"] = new JsonArray("make"),
            });
        });
        using var engine = new Engine();
        var events = engine.Run("Get-OpenCodeService -Path $args[0] | Watch-OpenCodeActivity -TimeoutSec 20 | Where-Object Kind -eq PermissionAsked | Select-Object -First 1", path);
        await publish.WaitAsync(TimeSpan.FromSeconds(5));
        var e = Assert.Single(events);
        Assert.Equal(("PermissionAsked", "ses_w", "bash: make"),
            (e.Properties["Kind"].Value.ToString(), e.Properties["SessionId"].Value, e.Properties["Detail"].Value));
        Assert.Contains(mock.Requests, r => r.Path == "/api/event");
    }

    [Fact]
    public void An_untrusted_missing_or_malformed_registration_is_one_error_each_with_its_id()
    {
        using var engine = new Engine();
        var path = Register(new Uri("http://127.0.0.1:4096/"), "hunter2-secret", (UnixFileMode)0x1B6);
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, """{"url":"http://127.0.0.1:4096","password":"hunter2-secret"}""");
        File.SetUnixFileMode(bad, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var output = engine.Run("Get-OpenCodeService -Path $args[0], $args[1], $args[2]", path, Path.Combine(_dir, "none.json"), bad);
        Assert.Empty(output);
        Assert.Equal(
            [$"ServiceFileUntrusted,{Cmdlet}", $"ServiceNotFound,{Cmdlet}", $"ServiceFileInvalid,{Cmdlet}"],
            engine.Errors.Select(e => e.FullyQualifiedErrorId));
        Assert.Equal(ErrorCategory.SecurityError, engine.Errors[0].CategoryInfo.Category);
        Assert.All(engine.Errors, e => Assert.DoesNotContain("hunter2-secret", e.ToString(), StringComparison.Ordinal));
    }
}
