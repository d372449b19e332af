using System.Diagnostics;
using System.Security;
using System.Text.Json;
using OpenCodeUsage.Discovery;
using OpenCodeUsage.IO;

namespace OpenCodeUsage.Server;

/// <summary>
/// Finds the OpenCode 2.x background service the way its clients do: the registration file
/// <c>$XDG_STATE_HOME/opencode/service.json</c> (else <c>~/.local/state/opencode/service.json</c>), which 2.x writes owner-only
/// as <c>{id?, version?, url, pid, password?}</c> (upstream packages/client: Service.Info), or the 2.0 preview's
/// <c>server.json</c> <c>{id, version, url, pid}</c> with the password in the <c>password</c> file beside it. The file is
/// untrusted input: read only if it is a regular file this user owns that nobody else may change (nor its folder), at
/// most <see cref="MaxBytes"/>, its url an http(s) address without credentials, its pid a positive number; a password
/// only for https or a loopback address. Anything else is ServiceFileUntrusted or ServiceFileInvalid, never a hang.
/// </summary>
public static class ServiceRegistration
{
    /// <summary>A registration is a few hundred bytes; anything past this is not one.</summary>
    public const int MaxBytes = 64 * 1024;

    public const string FileName = "service.json";

    /// <summary>The 2.0 preview's registration (without the password, which is in <see cref="PreviewPasswordFile"/>).</summary>
    public const string PreviewFileName = "server.json";

    public const string PreviewPasswordFile = "password";

    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(3);

    /// <summary>$XDG_STATE_HOME/opencode, else ~/.local/state/opencode.</summary>
    public static string StateDirectory(Func<string, string?> environment) =>
        Path.Combine(environment("XDG_STATE_HOME") is { Length: > 0 } state && Path.IsPathRooted(state)
            ? state
            : Path.Combine(OpenCodePaths.Home(environment), ".local", "state"), "opencode");

    /// <summary>The registration file there is: service.json, else the preview's server.json; null when neither exists.</summary>
    public static string? Find(Func<string, string?> environment)
    {
        var directory = StateDirectory(environment);
        return new[] { FileName, PreviewFileName }.Select(name => Path.Combine(directory, name)).FirstOrDefault(Exists);
    }

    /// <summary>Reads a registration file and asks whether the service answers; ServiceFileUntrusted or ServiceFileInvalid when it cannot be used.</summary>
    public static async Task<OpenCodeService> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var record = Parse(path, Read(path, MaxBytes));
        var password = record.Password;
        if (password is null && Path.GetFileName(path) == PreviewFileName
            && Path.Combine(Path.GetDirectoryName(path)!, PreviewPasswordFile) is var secret && Exists(secret))
        {
            password = System.Text.Encoding.UTF8.GetString(Read(secret, MaxBytes)).Trim();
        }

        if (!string.IsNullOrEmpty(password) && record.Url.Scheme == Uri.UriSchemeHttp && !record.Url.IsLoopback)
        {
            throw Invalid(path, $"its url '{record.Url}' is plain http to another machine, and the recorded password is only sent over https or to a loopback address");
        }

        var (running, identity) = Alive(record.Pid) ? await AskAsync(record.Url, password, cancellationToken).ConfigureAwait(false) : (false, null);
        return new OpenCodeService
        {
            Url = record.Url,
            Version = identity?.Version ?? record.Version,
            Pid = record.Pid,
            Running = running,
            Generation = identity?.Generation == ServerGeneration.V1 ? "1.x" : "2.x",
            Path = path,
            InstanceId = record.Id,
            Password = Secure(password),
        };
    }

    private sealed record Record(string? Id, string? Version, Uri Url, int Pid, string? Password);

    private static bool Exists(string path)
    {
        try
        {
            // A FIFO or a dangling link exists too: reading it is what refuses it, with its own message.
            return File.Exists(path) || (File.GetAttributes(path) & FileAttributes.Directory) == 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static byte[] Read(string path, int cap)
    {
        try
        {
            return RegularFile.ReadOwn(path, cap);
        }
        catch (Exception ex) when (ex is NotRegularFileException or UntrustedFileException or FileTooLargeException)
        {
            throw new OpenCodeUsageException(ServerErrors.ServiceFileUntrusted, FailureKind.Insecure,
                $"The OpenCode service registration was not used: {ex.Message}", path, ex);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OpenCodeUsageException(ServerErrors.ServiceNotFound, FailureKind.NotFound,
                $"No OpenCode background service is registered at '{path}': the file does not exist.", path, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new OpenCodeUsageException(ServerErrors.ServiceFileInvalid, FailureKind.ReadFailed,
                $"The OpenCode service registration '{path}' could not be read: {ex.Message}", path, ex);
        }
    }

    private static Record Parse(string path, byte[] bytes)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid(path, "it is not JSON");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(path, "it is not a JSON object");
        }

        string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (Text("url") is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0)
        {
            throw Invalid(path, "its url is not an http(s) address without credentials");
        }

        if (!root.TryGetProperty("pid", out var p) || p.ValueKind != JsonValueKind.Number || !p.TryGetInt32(out var pid) || pid <= 0)
        {
            throw Invalid(path, "its pid is not a positive whole number");
        }

        return new Record(Text("id"), Text("version"), uri, pid, Text("password"));
    }

    private static OpenCodeUsageException Invalid(string path, string why) =>
        new(ServerErrors.ServiceFileInvalid, FailureKind.InvalidData, $"The OpenCode service registration '{path}' was not used: {why}.", path);

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>GET /api/health (2.x; /global/health first, as the one client tells generations) with the recorded password only.</summary>
    private static async Task<(bool, ServerIdentity?)> AskAsync(Uri url, string? password, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HealthTimeout);
            // Not this session's OPENCODE_SERVER_PASSWORD: the service is asked with what it recorded.
            using var client = new ServerClient(url, ServerClient.DefaultUserName, password, _ => null);
            return (true, await client.IdentifyAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is ServerException or OpenCodeUsageException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (false, null);
        }
    }

    private static SecureString? Secure(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return null;
        }

        var secure = new SecureString();
        foreach (var c in password)
        {
            secure.AppendChar(c);
        }

        secure.MakeReadOnly();
        return secure;
    }
}
