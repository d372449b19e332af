using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using OpenCodeFixture.Processes;

namespace OpenCodeFixture.Scenario;

/// <summary>
/// A running <c>opencode serve</c> on 127.0.0.1 with Basic auth. Disposing it kills the server
/// and everything it started.
/// </summary>
public sealed class OpenCodeServer : IAsyncDisposable
{
    public const string DefaultUsername = "opencode";
    static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    readonly Process _process;
    readonly StreamWriter _log;
    readonly TimeSpan _requestTimeout;

    OpenCodeServer(Process process, StreamWriter log, Uri baseUri, string password, string directory, TimeSpan requestTimeout)
    {
        _process = process;
        _log = log;
        BaseUri = baseUri;
        Password = password;
        Directory = directory;
        _requestTimeout = requestTimeout;
    }

    public Uri BaseUri { get; }

    public string Username => DefaultUsername;

    /// <summary>OPENCODE_SERVER_PASSWORD of this server: random per server; do not print it.</summary>
    public string Password { get; }

    /// <summary>The project directory the server was started in.</summary>
    public string Directory { get; }

    /// <summary>The <c>directory=…</c> query OpenCode's HTTP API takes to pick the project.</summary>
    public string DirectoryQuery => "directory=" + Uri.EscapeDataString(Directory);

    /// <summary>An HttpClient with this server as base address and its Basic credentials.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseUri, Timeout = _requestTimeout };
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Username}:{Password}"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", token);
        return client;
    }

    /// <summary>Starts <c>opencode serve</c> in <paramref name="directory"/> and waits until it listens.</summary>
    /// <param name="logFile">Receives the server's stdout and stderr.</param>
    internal static async Task<OpenCodeServer> StartAsync(string binary, string directory,
        IReadOnlyDictionary<string, string?> environment, string logFile, TimeSpan requestTimeout, CancellationToken ct)
    {
        // `serve --port 0` means its default port 4096, not a free one: pick one here
        var port = FreePort();
        var password = "fixture-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var env = new Dictionary<string, string?>(environment) { ["OPENCODE_SERVER_PASSWORD"] = password };
        var info = ProcessRunner.StartInfo(binary,
            ["serve", "--hostname", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            directory, env);

        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (log)
            {
                try { log.WriteLine(e.Data); }
                catch (ObjectDisposedException) { } // a last line after the server was disposed
            }
            if (e.Data.Contains("listening on", StringComparison.Ordinal)) listening.TrySetResult();
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            $"opencode serve exited before listening; see {logFile}"));
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            await log.DisposeAsync();
            throw;
        }
        var server = new OpenCodeServer(process, log, new Uri($"http://127.0.0.1:{port}/"), password, directory, requestTimeout);
        try
        {
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            await listening.Task.WaitAsync(StartTimeout, ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.StopTreeAsync(_process);
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
