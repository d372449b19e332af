using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using OpenCodeUsage.Server;
using Xunit;

namespace OpenCodeUsage.Tests.Server;

/// <summary>
/// The 2.x background service's registration: the real 2.0 preview's (lildax service start: server.json beside its
/// password file), and service.json as 2.x writes it (upstream packages/client Service.Info: {id?, version?, url, pid,
/// password?}, in $XDG_STATE_HOME/opencode, owner-only), read as untrusted input.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // registrations and their modes, as on Linux and macOS
public sealed class ServiceRegistrationTests : IDisposable
{
    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    private string StateDir => Path.Combine(_home.Root, ".local", "state", "opencode");

    private string WriteService(JsonObject json, string? directory = null)
    {
        var dir = directory ?? StateDir;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, ServiceRegistration.FileName);
        File.WriteAllText(path, json.ToJsonString());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    private static JsonObject Info(Uri url, int pid, string? password = V2ServeMock.Password) => new()
    {
        ["id"] = "6ce0ac9d-b6ca-4153-8d29-627300d092a2", ["version"] = "2.0.18", ["url"] = url.ToString().TrimEnd('/'), ["pid"] = pid, ["password"] = password,
    };

    private static string Plain(System.Security.SecureString? secure) => secure is null ? string.Empty : new NetworkCredential(string.Empty, secure).Password;

    [SkippableFact]
    public async Task The_real_preview_s_service_is_found_running_with_its_password_and_stale_once_stopped()
    {
        var binary = Path.Combine(RepoPaths.Root, ".tools", "lildax", "package", "bin", "lildax");
        Skip.IfNot(File.Exists(binary), "the 2.0 preview is not installed; run tools/install-lildax.sh");
        var state = Path.Combine(_home.Root, "state");
        _home.Variables["XDG_STATE_HOME"] = state; // respected over ~/.local/state
        void Service(string command)
        {
            var start = new ProcessStartInfo(binary, ["service", command]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _home.Root };
            foreach (var (name, value) in _home.Variables)
            {
                start.Environment[name] = value;
            }

            foreach (var name in new[] { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" })
            {
                start.Environment[name] = Path.Combine(_home.Root, name);
            }

            using var process = Process.Start(start)!;
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "lildax service " + command);
            Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        }

        Service("start");
        string saved;
        try
        {
            var path = ServiceRegistration.Find(_home.Environment);
            Assert.Equal(Path.Combine(state, "opencode", ServiceRegistration.PreviewFileName), path);
            var service = await ServiceRegistration.ReadAsync(path!, CancellationToken.None);
            Assert.True(service.Running);
            Assert.Equal("2.x", service.Generation);
            Assert.Equal("1.18.18", service.Version);
            var recorded = JsonNode.Parse(File.ReadAllText(path!))!;
            Assert.Equal((int)recorded["pid"]!, service.Pid);
            Assert.Equal(new Uri((string)recorded["url"]!), service.Url);
            Assert.Equal(File.ReadAllText(Path.Combine(state, "opencode", "password")).Trim(), Plain(service.Password));
            saved = File.ReadAllText(path!);
        }
        finally
        {
            Service("stop");
        }

        // The preview removes its registration when stopped: one left behind (a crash) names a dead pid.
        var stale = Path.Combine(state, "opencode", ServiceRegistration.PreviewFileName);
        File.WriteAllText(stale, saved);
        File.SetUnixFileMode(stale, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.False((await ServiceRegistration.ReadAsync(stale, CancellationToken.None)).Running);
    }

    [Fact]
    public async Task A_2x_service_json_is_read_and_asked_with_its_own_password()
    {
        using var mock = new V2ServeMock();
        var path = WriteService(Info(mock.BaseUri, Environment.ProcessId));
        Assert.Equal(path, ServiceRegistration.Find(_home.Environment));
        var service = await ServiceRegistration.ReadAsync(path, CancellationToken.None);
        Assert.True(service.Running);
        Assert.Equal(("2.x", "2.0.18", Environment.ProcessId, path), (service.Generation, service.Version, service.Pid, service.Path));
        Assert.Equal(V2ServeMock.Password, Plain(service.Password));
        Assert.Equal("/api/health", mock.Requests[^1].Path);
        Assert.DoesNotContain(V2ServeMock.Password, service.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_pid_or_a_silent_address_is_not_running()
    {
        using var exited = Process.Start(new ProcessStartInfo("true"))!;
        exited.WaitForExit();
        using var mock = new V2ServeMock();
        Assert.False((await ServiceRegistration.ReadAsync(WriteService(Info(mock.BaseUri, exited.Id)), CancellationToken.None)).Running);
        Assert.False((await ServiceRegistration.ReadAsync(WriteService(Info(new Uri("http://127.0.0.1:1/"), Environment.ProcessId)), CancellationToken.None)).Running);
        // The recorded password is wrong: the service does not answer to it.
        Assert.False((await ServiceRegistration.ReadAsync(WriteService(Info(mock.BaseUri, Environment.ProcessId, "not-it")), CancellationToken.None)).Running);
    }

    [Fact]
    public void XDG_STATE_HOME_is_where_the_registration_is_looked_for()
    {
        Assert.Equal(StateDir, ServiceRegistration.StateDirectory(_home.Environment));
        _home.Variables["XDG_STATE_HOME"] = Path.Combine(_home.Root, "st");
        Assert.Equal(Path.Combine(_home.Root, "st", "opencode"), ServiceRegistration.StateDirectory(_home.Environment));
        Assert.Null(ServiceRegistration.Find(_home.Environment));
        _home.Variables["XDG_STATE_HOME"] = "relative/state"; // not absolute: ignored, as the XDG spec says
        Assert.Equal(StateDir, ServiceRegistration.StateDirectory(_home.Environment));
    }

    [Theory]
    [InlineData("file-0666")]
    [InlineData("folder-0777")]
    [InlineData("too-large")]
    public async Task A_registration_others_may_change_or_too_large_is_refused_untrusted(string how)
    {
        var path = WriteService(Info(new Uri("http://127.0.0.1:4096/"), Environment.ProcessId, "hunter2-secret"));
        switch (how)
        {
            case "file-0666":
                File.SetUnixFileMode(path, (UnixFileMode)0x1B6);
                break;
            case "folder-0777":
                File.SetUnixFileMode(StateDir, (UnixFileMode)0x1FF);
                break;
            case "too-large":
                File.WriteAllText(path, "{\"pad\":\"" + new string('x', ServiceRegistration.MaxBytes) + "\"}");
                break;
        }

        var error = await Assert.ThrowsAsync<OpenCodeUsageException>(() => ServiceRegistration.ReadAsync(path, CancellationToken.None));
        Assert.Equal(ServerErrors.ServiceFileUntrusted, error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_FIFO_in_its_place_is_refused_at_once_not_waited_on()
    {
        Skip.If(RuntimeInformation.IsOSPlatform(OSPlatform.Windows), "no FIFOs");
        using var fifo = new Fifo(Path.Combine(StateDir, ServiceRegistration.FileName));
        Assert.Equal(fifo.Path, ServiceRegistration.Find(_home.Environment));
        var read = ServiceRegistration.ReadAsync(fifo.Path, CancellationToken.None);
        var done = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
        if (done != read)
        {
            fifo.Release();
        }

        Assert.Same(read, done);
        Assert.Equal(ServerErrors.ServiceFileUntrusted, (await Assert.ThrowsAsync<OpenCodeUsageException>(() => read)).ErrorId);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1]", "not a JSON object")]
    [InlineData("""{"url":"http://127.0.0.1:4096","password":"hunter2-secret"}""", "pid")]
    [InlineData("""{"url":"http://127.0.0.1:4096","pid":0}""", "pid")]
    [InlineData("""{"url":"http://127.0.0.1:4096","pid":"123"}""", "pid")]
    [InlineData("""{"url":"ftp://127.0.0.1/","pid":1}""", "url")]
    [InlineData("""{"url":"http://opencode:hunter2-secret@127.0.0.1:4096","pid":1}""", "url")]
    [InlineData("""{"pid":1,"password":"hunter2-secret"}""", "url")]
    [InlineData("""{"url":"http://example.invalid:4096","pid":1,"password":"hunter2-secret"}""", "plain http")]
    public async Task A_registration_that_is_not_what_OpenCode_writes_is_refused_invalid(string content, string why)
    {
        Directory.CreateDirectory(StateDir);
        var path = Path.Combine(StateDir, ServiceRegistration.FileName);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var error = await Assert.ThrowsAsync<OpenCodeUsageException>(() => ServiceRegistration.ReadAsync(path, CancellationToken.None));
        Assert.Equal(ServerErrors.ServiceFileInvalid, error.ErrorId);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }
}
